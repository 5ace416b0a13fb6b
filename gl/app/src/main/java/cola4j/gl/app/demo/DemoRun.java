package cola4j.gl.app.demo;

import cola4j.gl.app.ftaas.ColaSession;
import cola4j.gl.app.ftaas.DigitsTenants;
import cola4j.gl.app.ftaas.Evaluation;
import cola4j.gl.app.ftaas.FtaasModels;
import cola4j.gl.app.ftaas.FullSession;
import cola4j.gl.app.ftaas.LoraSession;
import cola4j.gl.app.ftaas.MethodResult;
import cola4j.gl.app.ftaas.SessionConfig;
import cola4j.gl.app.ftaas.TenantWorkload;
import cola4j.gl.app.ftaas.TransferDtype;
import cola4j.gl.app.ftaas.UserSpec;
import cola4j.gl.app.io.Progress;

import cola4j.gl.cola.ColaMode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code cola demo} runs: a pretrained base MLP on digits, {@link DemoPlan#users()} users on different
 * downstream shifts ({@link DemoPlan#taskKinds()}), and per method one FTaaS session on the same base, the same users
 * and the same data streams:
 * <pre>
 *   cola-lowrank-merged, cola-lowrank-merged-average,                  (ColA, Gradient Learning on the users;
 *   cola-lowrank-unmerged, cola-linear-unmerged, cola-mlp-unmerged       merged: per-user vs averaged ΔW)
 *   lora (multi-tenant, adapters on the server),                        (baselines)
 *   full (one model copy per user)
 *   cola-lowrank-unmerged-bf16                                          (adaptation data sent as bfloat16)
 * </pre>
 * With {@code seeds > 1} it repeats ColA low-rank (merged) and LoRA for seeds 1 .. seeds−1 (other user
 * initializations and data streams) to compare their difference with LoRA's seed-to-seed noise
 * ({@link SeedComparison}).
 *
 * @param base            accuracy of the untouched base per user (user-k → value)
 * @param chance          chance level per user (the commonest test label's rate)
 * @param tasks           user-k → task name
 * @param shifts          user-k → the user's shift, e.g. {@code [ROT90]}
 * @param results         one per method, in the order above
 * @param seedRuns        seed → {cola-lowrank-merged mean metric, lora mean metric} (seed 0 included; each the
 *                        mean over users of the last {@link DemoPlan#tailEvals()} evaluations)
 * @param pretrainSeconds wall time of pretraining
 * @param warmupSeconds   wall time of the untimed warm-up before the methods ({@link #WARMUP_STEPS})
 * @param plan            the plan it ran
 */
public record DemoRun(Map<String, Double> base, Map<String, Double> chance, Map<String, String> tasks,
                      Map<String, String> shifts, List<MethodResult> results, Map<Integer, double[]> seedRuns,
                      double pretrainSeconds, double warmupSeconds, DemoPlan plan) {

    /** The merged-average method's name (the reference implementation's collaboration mode). */
    public static final String MERGED_AVERAGE = DemoVerdict.MERGED_AVERAGE;

    /**
     * Steps of the warm-up: before the timed sessions every method runs this many steps (at most the plan's) on the
     * same base and users, and its result is discarded, so that the JVM's one-time costs (class loading, the JSON
     * mapper of the safetensors header, JIT compilation of the codec, Gradient Learning, merge and optimizer paths)
     * are not charged to whichever method the time table lists first (ColA merged: 4.6 s of CPU cold against 1.2 s
     * warm in a 60-step session, docs/performance.md). Each session builds its own server, users, optimizers and data
     * streams from the seeds, and a merged pass restores the base weights bit for bit, so the timed sessions compute
     * exactly what they computed without the warm-up (the same results.json apart from times).
     */
    public static final int WARMUP_STEPS = 5;

    /** Runs the demo, logging progress to {@code log}. */
    public static DemoRun run(DemoPlan plan, PrintStream log) {
        long t0 = System.nanoTime();
        DigitsTenants w;
        try (Progress p = new Progress(log, "pretrain base (digits MLP)", plan.pretrainSteps())) {
            w = FtaasModels.digits(plan.pretrainSteps(), 0, plan.taskKinds(), p.onStep());
        }
        double pre = (System.nanoTime() - t0) / 1e9;
        List<UserSpec> low = specs(plan, "lowrank", 0);
        Map<String, Double> base = new LinkedHashMap<>(), chance = new LinkedHashMap<>();
        Map<String, String> tasks = new LinkedHashMap<>(), shifts = new LinkedHashMap<>();
        for (UserSpec s : low) {
            String u = "user-" + s.id();
            base.put(u, Evaluation.plain(w, w.base(), s.id()));
            chance.put(u, w.task(s.id()).chance());
            tasks.put(u, w.taskName(s.id()));
            shifts.put(u, w.task(s.id()).shift().toString());
        }
        SessionConfig cfg = config(plan, 0);
        long w0 = System.nanoTime();
        methods(w, plan, config(plan, 0, Math.min(plan.steps(), WARMUP_STEPS)), "warm-up ", log);
        double warm = (System.nanoTime() - w0) / 1e9;
        List<MethodResult> results = methods(w, plan, cfg, "", log);
        Map<Integer, double[]> seedRuns = new LinkedHashMap<>();
        seedRuns.put(0,
                new double[] {find(results, "cola-lowrank-merged").tailMeanMetric(plan.tailEvals()),
                        find(results, "lora").tailMeanMetric(plan.tailEvals())});
        for (int seed = 1; seed < plan.seeds(); seed++) {
            List<UserSpec> s = specs(plan, "lowrank", seed);
            SessionConfig c = config(plan, seed);
            int k = plan.tailEvals();
            double cm = cola(w, s, c.withMode(ColaMode.MERGED), "cola-lowrank-merged seed " + seed, log)
                    .tailMeanMetric(k);
            seedRuns.put(seed, new double[] {cm, lora(w, s, c, "", log).tailMeanMetric(k)});
        }
        return new DemoRun(base, chance, tasks, shifts, results, seedRuns, pre, warm, plan);
    }

    /** One session per method, in the table's order, with {@code cfg}; progress labels start with {@code label}. */
    private static List<MethodResult> methods(DigitsTenants w, DemoPlan plan, SessionConfig cfg, String label,
            PrintStream log) {
        List<UserSpec> low = specs(plan, "lowrank", 0);
        List<MethodResult> results = new ArrayList<>();
        results.add(cola(w, low, cfg.withMode(ColaMode.MERGED), label + "cola-lowrank-merged", log));
        results.add(cola(w, low, cfg.withMode(ColaMode.MERGED_AVERAGE), label + MERGED_AVERAGE, log));
        results.add(cola(w, low, cfg, label + "cola-lowrank-unmerged", log));
        results.add(cola(w, specs(plan, "linear", 0), cfg, label + "cola-linear-unmerged", log));
        results.add(cola(w, specs(plan, "mlp", 0), cfg, label + "cola-mlp-unmerged", log));
        results.add(lora(w, low, cfg, label, log));
        try (Progress p = new Progress(log, label + "full fine-tuning", cfg.steps())) {
            results.add(new FullSession<>(w, low, cfg).run(p.onStep()));
        }
        results.add(cola(w, low, cfg.withTransfer(TransferDtype.BF16), label + "cola-lowrank-unmerged-bf16", log));
        return results;
    }

    private static List<UserSpec> specs(DemoPlan plan, String aux, int seed) {
        return UserSpec.cycle(plan.users(), aux, plan.rank(), 32, 1, "adamw", plan.lr(), 1000L * seed + 1);
    }

    private static SessionConfig config(DemoPlan plan, int seed) {
        return config(plan, seed, plan.steps());
    }

    private static SessionConfig config(DemoPlan plan, int seed, int steps) {
        return new SessionConfig(steps, plan.rowsPerUser(), ColaMode.UNMERGED, TransferDtype.NATIVE,
                plan.evalEvery(), seed, plan.fullLr());
    }

    private static <B> MethodResult cola(TenantWorkload<B> w, List<UserSpec> specs, SessionConfig cfg, String name,
            PrintStream log) {
        try (Progress p = new Progress(log, name, cfg.steps())) {
            return new ColaSession<>(w, specs, cfg, name.split(" ")[0]).run(p.onStep());
        }
    }

    private static <B> MethodResult lora(TenantWorkload<B> w, List<UserSpec> specs, SessionConfig cfg, String label,
            PrintStream log) {
        try (Progress p = new Progress(log, label + "lora (multi-tenant)", cfg.steps())) {
            return new LoraSession<>(w, specs, cfg).run(p.onStep());
        }
    }

    private static MethodResult find(List<MethodResult> results, String method) {
        return results.stream().filter(r -> r.method().equals(method)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no method " + method));
    }

    /** What the tables and verdicts use: user-k → mean of the last {@link DemoPlan#tailEvals()} evaluations. */
    public Map<String, Double> metrics(MethodResult r) {
        return r.tailMetrics(plan.tailEvals());
    }

    /** Mean over users of {@link #metrics}. */
    public double meanMetric(MethodResult r) {
        return r.tailMeanMetric(plan.tailEvals());
    }

    /** Mean over users of the base metric. */
    public double baseMean() {
        return base.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** Mean over users of the chance level. */
    public double chanceMean() {
        return chance.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** The result of a method by name. */
    public MethodResult result(String method) {
        return find(results, method);
    }

    /** Per seed: ColA low-rank merged mean metric − LoRA mean metric. */
    public double[] margins() {
        return seedRuns.values().stream().mapToDouble(v -> v[0] - v[1]).toArray();
    }

    /** ColA low-rank (merged) vs LoRA over the seeds. */
    public SeedComparison seedComparison() {
        return SeedComparison.of(seedRuns.values().stream().mapToDouble(v -> v[0]).toArray(),
                seedRuns.values().stream().mapToDouble(v -> v[1]).toArray());
    }

    /** Users on which {@code method} does not beat base and chance by the plan's margin ({@link DemoVerdict}). */
    public List<String> failingUsers(MethodResult r) {
        return DemoVerdict.failing(metrics(r), base, chance, plan.margin(),
                r.errors() == null ? Set.of() : r.errors().keySet());
    }

    /** Users on which the base is not near chance. */
    public List<String> baseNotNearChance() {
        return DemoVerdict.notNearChance(base, chance, plan.chanceTolerance());
    }
}
