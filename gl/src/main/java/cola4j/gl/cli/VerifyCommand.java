package cola4j.gl.cli;

import cola4j.gl.verify.PropositionResult;
import cola4j.gl.verify.Verifier;
import cola4j.tensor.DType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code cola verify}: runs the equivalence suite P1–P8 and prints one row per check; exit 1 on any FAIL. */
public final class VerifyCommand implements Command {
    @Override
    public String name() {
        return "verify";
    }

    @Override
    public String description() {
        return "Check ColA's equivalence propositions P1-P8 numerically (float64: ~1e-10 relative)";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("dtype").hasArg().argName("float64|float32").desc("element type (default float64)").build())
                .addOption(Option.builder().longOpt("seed").hasArg().argName("S").desc("seed of model, data and adapters (default 0)").build())
                .addOption(Option.builder().longOpt("json").hasArg().argName("FILE").desc("also write the results as JSON").build());
    }

    @Override
    public int run(CommandLine cl, Io io) throws Exception {
        DType dtype = DType.parse(Args.choice(cl, "dtype", "float64", List.of("float64", "float32")));
        int seed = Args.intValue(cl, "seed", 0, 0);
        Path json = Args.path(cl, "json");
        List<PropositionResult> results = Verifier.runAll(dtype, seed);
        Table t = new Table("prop", "setting", "max abs", "max rel", "tol", "result");
        for (PropositionResult r : results) {
            t.row(r.id(), r.setting(), String.format("%.2e", r.maxAbs()), String.format("%.2e", r.maxRel()),
                    String.format("%.0e", r.tol()), r.pass() ? "PASS" : "FAIL");
        }
        t.print(io.out());
        boolean ok = PropositionResult.allPass(results);
        io.out().println(ok ? "all " + results.size() + " checks pass (" + dtype + ")" : "SOME CHECKS FAILED (" + dtype + ")");
        if (json != null) {
            List<Map<String, Object>> rows = results.stream().map(r -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", r.id());
                m.put("setting", r.setting());
                m.put("max_abs", r.maxAbs());
                m.put("max_rel", r.maxRel());
                m.put("tol", r.tol());
                m.put("pass", r.pass());
                return m;
            }).toList();
            JsonFiles.writeAtomic(json, Map.of("dtype", dtype.cliName, "propositions", rows));
        }
        return ok ? 0 : 1;
    }
}
