package cola4j.gl.app.cli;

import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.Limits;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.train.AdaLoraSettings;
import cola4j.gl.app.train.TrainConfig;
import cola4j.gl.app.train.TrainMethod;
import cola4j.gl.baselines.AdaLoraTrainer;
import cola4j.gl.baselines.RankAllocator;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola train --method adalora}'s options (PEFT's {@code AdaLoraConfig}; docs/train.md): defaults are PEFT's
 * (init_r 12, target_r 8, deltaT 1, beta1 = beta2 = 0.85, orth_reg_weight 0.5) except tinit and tfinal, which
 * default to 10% and 20% of the optimizer steps: with PEFT's 0 and 0 the final allocation would fall at step
 * T − tfinal = T, after the last step T − 1, so the target budget would never be reached exactly.
 */
final class AdaLoraOptions {
    static final List<String> NAMES = List.of("init-r", "target-r", "tinit", "tfinal", "delta-t", "beta1", "beta2",
            "orth-reg-weight");

    private AdaLoraOptions() {}

    /** Adds the options to {@code o}. */
    static void register(Options o) {
        add(o, "init-r", "R", "adalora: initial rank of every site, 1-1024 (default 12)");
        add(o, "target-r", "R", "adalora: target average rank, 1-init-r (default 8)");
        add(o, "tinit", "N", "adalora: warm-up optimizer steps without masking (default 10% of them)");
        add(o, "tfinal", "N", "adalora: final optimizer steps with the rank pattern fixed (default 20% of them)");
        add(o, "delta-t", "N", "adalora: steps between rank allocations (default 1)");
        add(o, "beta1", "B", "adalora: EMA factor of the sensitivity, in (0, 1) (default 0.85)");
        add(o, "beta2", "B", "adalora: EMA factor of the uncertainty, in (0, 1) (default 0.85)");
        add(o, "orth-reg-weight", "G", "adalora: weight of the orthogonality regulariser, > 0 (default 0.5)");
    }

    private static void add(Options o, String name, String arg, String desc) {
        o.addOption(Option.builder().longOpt(name).hasArg().argName(arg).desc(desc).build());
    }

    /**
     * The settings for {@code method} (null unless adalora); absent options take {@code base}'s (a resumed run) or
     * the defaults over {@code updates} optimizer steps. Range rules beyond the bounds here are the config's.
     *
     * @throws UsageException for an adalora option with another method, or a value out of its bounds
     */
    static AdaLoraSettings parse(CommandLine cl, AdaLoraSettings base, TrainMethod method, int updates) {
        if (method != TrainMethod.ADALORA) {
            for (String n : NAMES) {
                if (cl.hasOption(n)) throw new UsageException("--" + n + " applies to --method adalora only");
            }
            return null;
        }
        boolean b = base != null;
        return new AdaLoraSettings(
                Args.intValue(cl, "init-r", b ? base.initR() : 12, 1, Limits.MAX_RANK),
                Args.intValue(cl, "target-r", b ? base.targetR() : 8, 1, Limits.MAX_RANK),
                Args.intValue(cl, "tinit", b ? base.tinit() : updates / 10, 0, Limits.MAX_STEPS),
                Args.intValue(cl, "tfinal", b ? base.tfinal() : updates / 5, 0, Limits.MAX_STEPS),
                Args.intValue(cl, "delta-t", b ? base.deltaT() : 1, 1, Limits.MAX_STEPS),
                Args.doubleValue(cl, "beta1", b ? base.beta1() : 0.85),
                Args.doubleValue(cl, "beta2", b ? base.beta2() : 0.85),
                Args.doubleValue(cl, "orth-reg-weight", b ? base.orthRegWeight() : 0.5));
    }

    /** The options that give {@code s} (none for null), for {@link TrainConfigRules#argv}. */
    static List<String> argv(AdaLoraSettings s) {
        if (s == null) return List.of();
        return List.of("--init-r", Integer.toString(s.initR()), "--target-r", Integer.toString(s.targetR()),
                "--tinit", Integer.toString(s.tinit()), "--tfinal", Integer.toString(s.tfinal()),
                "--delta-t", Integer.toString(s.deltaT()), "--beta1", Double.toString(s.beta1()),
                "--beta2", Double.toString(s.beta2()), "--orth-reg-weight", Double.toString(s.orthRegWeight()));
    }

    /** site → current rank of an adalora trainer, else null. */
    static LinkedHashMap<String, Integer> ranks(Object trainer) {
        return trainer instanceof AdaLoraTrainer t ? t.allocator().ranks() : null;
    }

    /** Prints the final rank per site and the budget (adalora only). */
    static void print(Object trainer, TrainConfig cfg, PrintStream out) {
        if (!(trainer instanceof AdaLoraTrainer t)) return;
        RankAllocator a = t.allocator();
        LinkedHashMap<String, Integer> r = a.ranks();
        int total = r.values().stream().mapToInt(Integer::intValue).sum();
        out.printf("adalora ranks (init_r %d, target_r %d; %d of %d triplets kept, target budget %d):%n",
                cfg.adalora().initR(), cfg.adalora().targetR(), total, a.initialBudget(), a.targetBudget());
        r.forEach((s, n) -> out.printf("  %-32s %d%n", s, n));
    }
}
