package cola4j.gl.app.cli;

import cola4j.gl.app.ftaas.grpc.NetworkProposition;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.app.io.Table;
import cola4j.gl.verify.Fixture;
import cola4j.gl.verify.NegativeControls;
import cola4j.gl.verify.PropositionResult;
import cola4j.gl.verify.Verifier;
import cola4j.tensor.DType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code cola verify --negative-controls}: every proposition against its deliberately broken variant
 * ({@link NegativeControls#all()} for P1–P8 and P10, plus P9's bfloat16-wire mutant), in float64. A mutant is caught
 * when its check FAILS; one that passes, or that throws instead of giving a result, is not. Exit 0 only if every
 * mutant is caught.
 */
final class NegativeControlsRun {
    private NegativeControlsRun() {}

    /** The mutants of {@code cola verify --negative-controls}: the library's and P9's. */
    static List<NegativeControls.Mutant> mutants() {
        List<NegativeControls.Mutant> m = new ArrayList<>(NegativeControls.all());
        m.add(new NegativeControls.Mutant("P9", "gRPC side sends adaptation data as bfloat16",
                (fx, tol) -> NetworkProposition.p9BfloatWireMutant(fx.dtype(), fx.seed())));
        return m;
    }

    /** Runs {@code mutants} on the float64 fixture of {@code seed}; prints the table and the verdict. */
    static int run(List<NegativeControls.Mutant> mutants, long seed, Path json, Io io) throws Exception {
        Fixture fx = new Fixture(DType.FLOAT64, seed);
        Table t = new Table("prop", "mutant", "max abs", "max rel", "tol", "result");
        List<VerifyCommand.Row> rows = new ArrayList<>();
        List<String> missed = new ArrayList<>();
        for (NegativeControls.Mutant m : mutants) {
            PropositionResult r;
            try {
                r = m.run().apply(fx, Verifier.TOL64);
            } catch (Exception e) {
                t.row(m.id(), m.breaks(), "-", "-", "-", "ERROR (not caught): " + e.getMessage());
                missed.add(m.id());
                continue;
            }
            boolean caught = !r.pass();
            if (!caught) missed.add(m.id());
            t.row(m.id(), m.breaks(), String.format("%.2e", r.maxAbs()), String.format("%.2e", r.maxRel()),
                    String.format("%.0e", r.tol()), caught ? "FAILS (caught)" : "PASSES (NOT caught)");
            rows.add(new VerifyCommand.Row(r.id(), "MUTANT " + m.breaks() + ": " + r.setting(), r.maxAbs(),
                    r.maxRel(), r.tol(), r.pass()));
        }
        t.print(io.out());
        io.out().println(missed.isEmpty()
                ? "all " + mutants.size() + " mutants caught: every check fails on its broken variant (float64)"
                : "MUTANTS NOT CAUGHT: " + missed.size() + " of " + mutants.size() + " " + missed);
        if (json != null) JsonFiles.writeAtomic(json, new VerifyCommand.Report(DType.FLOAT64, rows));
        return missed.isEmpty() ? 0 : 1;
    }
}
