package cola4j.gl.app.cli;

import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.ftaas.ColaSession;
import cola4j.gl.app.ftaas.TenantWorkload;
import cola4j.gl.app.ftaas.UserShapley;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.Table;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.cola.ColaMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola ftaas --merged-average --shapley [--shapley-permutations M]}: after the session, the Shapley value of
 * every finishing user ({@link UserShapley}: v(S) = mean over users of the metric of base + S's mean ΔW), exact for
 * K ≤ 6, sampled above with M permutations (default 200, seeded by {@code --seed}) and standard errors. Prints a
 * table and returns the {@code user_shapley} JSON object.
 */
final class FtaasShapley {
    private FtaasShapley() {}

    static void addOptions(Options o) {
        o.addOption(Option.builder().longOpt("shapley").desc("merged-average: Shapley value of each user (exact for"
                + " K <= 6, sampled above)").build());
        o.addOption(FtaasCommand.opt("shapley-permutations", "M", "permutations sampled when K > 6, in ["
                + UserShapley.MIN_PERMUTATIONS + ", " + UserShapley.MAX_PERMUTATIONS + "] (default 200)"));
    }

    /** Usage errors before the run: --shapley needs merged-average in process; bounded permutations. */
    static int validate(CommandLine cl, ColaMode mode, String transport) {
        if (!cl.hasOption("shapley")) {
            if (cl.hasOption("shapley-permutations")) {
                throw new UsageException("--shapley-permutations needs --shapley");
            }
            return 0;
        }
        if (mode != ColaMode.MERGED_AVERAGE) throw new UsageException("--shapley needs --merged-average");
        if (!transport.equals("inprocess")) throw new UsageException("--shapley needs --transport inprocess");
        int m = Args.intValue(cl, "shapley-permutations", 200, UserShapley.MIN_PERMUTATIONS,
                UserShapley.MAX_PERMUTATIONS);
        return m;
    }

    /** Computes, prints and returns the values for the session's finishing users. */
    static Map<String, Object> run(TenantWorkload<?> w, ColaSession<?> session, int permutations, long seed, Io io) {
        Map<Integer, Map<String, AuxiliaryModel>> aux = new LinkedHashMap<>();
        session.devices().forEach((u, d) -> aux.put(u, d.auxiliaries()));
        List<Integer> users = new ArrayList<>(aux.keySet());
        if (users.isEmpty()) {
            io.err().println("cola ftaas: --shapley: no user finished, nothing to value");
            return null;
        }
        UserShapley.Result r = UserShapley.compute(users,
                UserShapley.mergedAverage(w, w.adaptedSites(w.base()), aux), permutations, seed);
        io.out().printf("user Shapley values (merged-average; v(S) = mean %s over all %d users of base + mean ΔW of S;"
                + " %s, %d coalitions evaluated):%n", w.metricName(), users.size(),
                r.exact() ? "exact" : r.permutations() + " sampled permutations, seed " + seed, r.evaluations());
        Table t = new Table("user", "task", "shapley", "std error");
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < users.size(); i++) {
            int u = users.get(i);
            t.row("user-" + u, w.taskName(u), String.format("%+.4f", r.values()[i]),
                    r.exact() ? "exact" : String.format("%.4f", r.stdErrors()[i]));
            values.put("user-" + u, Map.of("value", r.values()[i], "std_error", r.stdErrors()[i]));
        }
        t.print(io.out());
        io.out().printf("v(all) = %.4f, v(none) = %.4f (base); sum of values - (v(all) - v(none)) = %.1e%n",
                r.grand(), r.empty(), r.efficiencyGap());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("exact", r.exact());
        out.put("permutations", r.permutations());
        out.put("seed", seed);
        out.put("evaluations", r.evaluations());
        out.put("v_all", r.grand());
        out.put("v_none", r.empty());
        out.put("values", values);
        return out;
    }
}
