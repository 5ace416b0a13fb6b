package cola4j.gl.app.experiments;

import cola4j.gl.AdaptationData;
import cola4j.gl.app.ftaas.AnalyticBytes;
import cola4j.gl.app.ftaas.TransferDtype;
import cola4j.gl.app.ftaas.UserSpec;
import cola4j.gl.app.train.MethodSetup;
import cola4j.gl.app.train.TrainConfig;
import cola4j.gl.app.train.TrainLoop;
import cola4j.gl.app.train.TrainMethod;
import cola4j.gl.app.train.TrainState;
import cola4j.gl.app.train.TrainingMemory;
import cola4j.gl.app.workload.Workload;
import cola4j.gl.cola.ColaMode;
import cola4j.models.data.Task;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One training run of {@code cola compare}: a method on one task with one training seed, on a fresh copy of the
 * frozen base ({@link FrozenBase}), through the train program's own {@link MethodSetup} and {@link TrainLoop} (in
 * memory: no checkpoint, no trace). It records every held-out evaluation, each step's trainer time and, for ColA,
 * the bytes that cross between server and user per step:
 * <pre>
 *   down (measured) = mean over steps of Σ_sites bytes(x) + bytes(dL/dh)   (the adaptation data the server sends)
 *   down (analytic) = AnalyticBytes.downPayloadPerStep(sites, 1 user, B rows, L positions, native dtype)
 *                     (= measured where every site sees L positions: the mlp, encoder, decoder)
 *   up   (analytic) = unmerged A·e·⌊N/I⌋/N (the auxiliary's A trained parameters after each update, as in
 *                     AnalyticBytes.upPayloadPerStep), merged AnalyticBytes.upPayloadPerStep: Σ_s (in·out [+ out])·e
 *                     (ΔW each step)
 * </pre>
 * The other methods train on the server by backprop: nothing but the batch crosses (not counted for any method), so
 * their bytes are 0.
 *
 * @param method       the row's name
 * @param task         the downstream task
 * @param seed         the training seed (adapter initialization, batches, dropout)
 * @param metricName   the task metric id
 * @param evals        every evaluation, in step order
 * @param trainable    trained parameters (ColA: the user's; the server trains none)
 * @param downPerStep  measured bytes sent down per step (0 for non-ColA methods)
 * @param downAnalytic the analytic down bytes per step (0 for non-ColA methods)
 * @param upPerStep    analytic bytes sent up per step (0 for non-ColA methods)
 * @param stepNanos    each step's trainer time
 */
public record CompareRun(String method, String task, long seed, String metricName, List<Eval> evals, long trainable,
                         double downPerStep, long downAnalytic, double upPerStep, long[] stepNanos) {
    /** One held-out evaluation after step {@code step}. */
    public record Eval(int step, double metric, double evalLoss) {}

    public CompareRun {
        evals = List.copyOf(evals);
        if (evals.isEmpty()) throw new IllegalArgumentException("compare run: no evaluation");
    }

    /** k = ⌈E/4⌉ of the E evaluations: the demo's rule, so that one evaluation's swing does not decide a row. */
    public static int tailCount(int evaluations) {
        return (evaluations + 3) / 4;
    }

    /** The mean metric of the last {@link #tailCount} evaluations. */
    public double tailMetric() {
        int k = tailCount(evals.size());
        double s = 0;
        for (int i = evals.size() - k; i < evals.size(); i++) s += evals.get(i).metric();
        return s / k;
    }

    /** The held-out loss of the last evaluation. */
    public double finalEvalLoss() {
        return evals.get(evals.size() - 1).evalLoss();
    }

    /** Trains {@code c} on {@code w} (a fresh copy of the base) and records the run (the loop's own lines muted). */
    public static CompareRun train(String method, Workload w, TrainConfig c) throws IOException {
        MethodSetup s = MethodSetup.create(w, c);
        Task<?> task = w.downstream(c.task(), 0);
        List<Eval> evals = new ArrayList<>();
        long[] nanos = new long[c.steps()];
        long[] down = new long[1];
        TrainLoop.Observer obs = new TrainLoop.Observer() {
            @Override
            public void stepped(int k, long ns) {
                nanos[k - 1] = ns;
                for (AdaptationData d : s.lastAdaptationData()) down[0] += d.bytes();
            }

            @Override
            public void evaluated(int k, double metric, double evalLoss) {
                evals.add(new Eval(k, metric, evalLoss));
            }
        };
        long trainable = s.trainedParameters().values().stream().mapToLong(v -> v.value().numel()).sum();
        new TrainLoop(w, s, task, null, null, new PrintStream(OutputStream.nullOutputStream()), false).observe(obs)
                .run(new TrainState(c, 0, null, List.of()), c.steps());
        boolean cola = c.method() == TrainMethod.COLA;
        long analyticDown = 0;
        double up = 0;
        if (cola) {
            analyticDown = AnalyticBytes.downPayloadPerStep(s.sites(), 1, c.batch(),
                    TrainingMemory.positions(w.tasks()), TransferDtype.NATIVE, c.dtype());
            if (c.merged()) {
                // the user as the ftaas accounting takes it: MethodSetup's mlp width 128; lr and seed count no bytes
                UserSpec u = new UserSpec(0, c.aux(), c.rank(), 128, c.interval(), c.optimizer(), 1, c.seed());
                up = AnalyticBytes.upPayloadPerStep(List.of(u), s.sites(), ColaMode.MERGED, c.steps(), c.dtype());
            } else {
                // AnalyticBytes' A·e·⌊N/I⌋/N, A the trained count itself: a variant's extra parameters
                // (DoRA's magnitudes) count too
                up = (double) trainable * c.dtype().bytes * (c.steps() / c.interval()) / c.steps();
            }
        }
        return new CompareRun(method, c.task(), c.seed(), task.metric().id(), evals, trainable,
                cola ? (double) down[0] / c.steps() : 0, analyticDown, up, nanos);
    }
}
