package cola4j.gl.app.cli;

import cola4j.gl.app.io.DTypeJson;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.Limits;
import cola4j.gl.app.command.Command;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.app.io.Table;

import cola4j.gl.app.ftaas.grpc.NetworkProposition;
import cola4j.gl.verify.NegativeControls;
import cola4j.gl.verify.PropositionResult;
import cola4j.gl.verify.Verifier;
import cola4j.tensor.DType;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola verify}: runs the equivalence suite P1–P10 and prints one row per check; exit 1 on any FAIL. With
 * {@code --negative-controls} it runs every proposition against a broken variant instead ({@link NegativeControlsRun}).
 */
public final class VerifyCommand implements Command {
    /**
     * One row of the {@code --json} document.
     *
     * @param id      proposition id (P1 … P8)
     * @param setting what was compared, in words
     * @param maxAbs  largest absolute difference
     * @param maxRel  largest normwise relative difference
     * @param tol     the bound on maxRel
     * @param pass    maxRel ≤ tol
     */
    public record Row(@JsonProperty("id") String id, @JsonProperty("setting") String setting,
                      @JsonProperty("max_abs") double maxAbs, @JsonProperty("max_rel") double maxRel,
                      @JsonProperty("tol") double tol, @JsonProperty("pass") boolean pass) {
        static Row of(PropositionResult r) {
            return new Row(r.id(), r.setting(), r.maxAbs(), r.maxRel(), r.tol(), r.pass());
        }
    }

    /**
     * The {@code --json} document.
     *
     * @param dtype        element type the suite ran in (float64, float32)
     * @param propositions one row per check, in the order of the table
     */
    public record Report(@JsonProperty("dtype") @JsonSerialize(using = DTypeJson.Writer.class)
                         @JsonDeserialize(using = DTypeJson.Reader.class) DType dtype,
                         @JsonProperty("propositions") List<Row> propositions) {}

    /** (dtype, seed) → the results; {@link Verifier#runAll} except in tests. */
    private final BiFunction<DType, Long, List<PropositionResult>> suite;
    /** The mutants of {@code --negative-controls}; {@link NegativeControlsRun#mutants()} except in tests. */
    private final List<NegativeControls.Mutant> mutants;

    public VerifyCommand() {
        this(VerifyCommand::all, NegativeControlsRun.mutants());
    }

    /**
     * P1–P8 and P10 ({@link Verifier#runAll}) and P9, the same session over gRPC loopback vs in-process, in the
     * order of their numbers.
     */
    static List<PropositionResult> all(DType dtype, long seed) {
        List<PropositionResult> r = new java.util.ArrayList<>(Verifier.runAll(dtype, seed));
        try {
            r.addAll(NetworkProposition.p9(dtype, seed));
        } catch (Exception e) {
            throw new IllegalStateException("P9 could not run: " + e.getMessage(), e);
        }
        r.sort(java.util.Comparator.comparingInt(p -> Integer.parseInt(p.id().substring(1))));
        return r;
    }

    /**
     * A command that reports {@code suite}'s results instead of running the equivalence suite (tests: forced FAILs).
     */
    VerifyCommand(BiFunction<DType, Long, List<PropositionResult>> suite) {
        this(suite, NegativeControlsRun.mutants());
    }

    /** A command with the given suite and negative-control mutants (tests: a mutant that is not caught). */
    VerifyCommand(BiFunction<DType, Long, List<PropositionResult>> suite, List<NegativeControls.Mutant> mutants) {
        this.suite = suite;
        this.mutants = mutants;
    }

    @Override
    public String name() {
        return "verify";
    }

    @Override
    public String description() {
        return "Check ColA's equivalence propositions P1-P10 numerically (float64: ~1e-10 relative; P9 bit for bit)";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("dtype").hasArg().argName("float64|float32")
                        .desc("element type (default float64)").build())
                .addOption(Option.builder().longOpt("seed").hasArg().argName("S")
                        .desc("seed of model, data and adapters (default 0)").build())
                .addOption(Option.builder().longOpt("negative-controls")
                        .desc("run every proposition against a deliberately broken variant (float64); exit 0 only if"
                                + " every one FAILS").build())
                .addOption(Option.builder().longOpt("json").hasArg().argName("FILE")
                        .desc("also write the results as JSON").build());
    }

    @Override
    public int run(CommandLine cl, Io io) throws Exception {
        DType dtype = DType.parse(Args.choice(cl, "dtype", "float64", List.of("float64", "float32")));
        int seed = Args.seed(cl, "seed", 0);
        Path json = Args.outputFile(cl, "json");
        if (cl.hasOption("negative-controls")) {
            if (dtype != DType.FLOAT64) throw new UsageException("--negative-controls runs in float64 only");
            return NegativeControlsRun.run(mutants, seed, json, io);
        }
        List<PropositionResult> results = suite.apply(dtype, (long) seed);
        Table t = new Table("prop", "setting", "max abs", "max rel", "tol", "result");
        for (PropositionResult r : results) {
            t.row(r.id(), r.setting(), String.format("%.2e", r.maxAbs()), String.format("%.2e", r.maxRel()),
                    String.format("%.0e", r.tol()), r.pass() ? "PASS" : "FAIL");
        }
        t.print(io.out());
        boolean ok = PropositionResult.allPass(results);
        long failed = results.stream().filter(r -> !r.pass()).count();
        io.out().println(ok ? "all " + results.size() + " checks pass (" + dtype + ")"
                : "SOME CHECKS FAILED: " + failed + " of " + results.size() + " (" + dtype + ")");
        if (json != null) JsonFiles.writeAtomic(json, new Report(dtype, results.stream().map(Row::of).toList()));
        return ok ? 0 : 1;
    }
}
