package cola4j.gl.app.train;

import cola4j.autograd.Var;
import cola4j.gl.NonFiniteException;
import cola4j.gl.cola.RowRouting;
import cola4j.gl.app.workload.Batch;
import cola4j.gl.app.workload.Pretrainer;
import cola4j.gl.app.workload.Workload;
import cola4j.models.data.Task;
import cola4j.tensor.Rng;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The training loop of {@code cola train}. Step k = 1..N (one batch each, single user 0):
 * <pre>
 *   batch  = workload.sample(task, B, Rng(StepSeeds.seed(seed, BATCH, k)))
 *   loss   = trainer.step(ctx → workload.loss(batch, ctx), routing, Rng(StepSeeds.seed(seed, DROPOUT, k)))
 *   check  loss, every site's dL/dh (cola; checked by the server before anything is shipped) and trained
 *          parameters finite
 *   trace  (optional) batch, loss, adaptation data, parameters
 *   every K = evalEvery steps and at N: evaluate (held-out metric and loss on Rng(EVAL_SEED)), checkpoint,
 *          flush metrics
 * </pre>
 * The trainer updates every {@code interval} steps (ColA: one Gradient Learning step per I batches; backprop methods:
 * gradient accumulation). A non-finite loss, adaptation datum, parameter or held-out evaluation stops the run with
 * an {@link IllegalStateException} naming the step and the quantity ({@code step 7: loss is NaN}, {@code step 7:
 * adaptation data at site S is non-finite: ...}, {@code step 7: parameter P became non-finite (...)}); the last
 * checkpoint (written only from finite state) stays intact.
 */
public final class TrainLoop {
    /**
     * The outcome of a run.
     *
     * @param metricName    task metric id (accuracy, exact_match, token_accuracy)
     * @param finalMetric   held-out metric after the last step
     * @param finalLoss     training batch loss of the last step
     * @param finalEvalLoss held-out loss after the last step
     * @param steps         completed steps
     * @param seconds       training wall time (including earlier runs of a resumed run)
     * @param checkpoint    the checkpoint directory (null when none was written)
     */
    public record Result(String metricName, double finalMetric, double finalLoss, double finalEvalLoss, int steps,
                         double seconds, Path checkpoint) {}

    private final Workload w;
    private final MethodSetup s;
    private final Task<?> task;
    private final Path out;
    private final StepTrace trace;
    private final PrintStream log;
    private final boolean progress;
    private Observer observer = Observer.NONE;

    /**
     * What a caller may watch of a run ({@code cola compare}): each step's training time and every held-out
     * evaluation. Called on the training thread; it must not change the model or the setup.
     */
    public interface Observer {
        /** Observes nothing. */
        Observer NONE = new Observer() {};

        /**
         * After step k's trainer step (forward, backward, update; no evaluation, checkpoint or trace), which took
         * {@code nanos} of wall time.
         */
        default void stepped(int k, long nanos) {}

        /** After the evaluation at step k: held-out metric and loss. */
        default void evaluated(int k, double metric, double evalLoss) {}
    }

    /**
     * @param out      output directory (checkpoint, metrics); null = in memory only (tests)
     * @param trace    step trace or null
     * @param log      evaluation lines and the progress bar
     * @param progress show a progress bar (only when a console is attached)
     */
    public TrainLoop(Workload w, MethodSetup s, Task<?> task, Path out, StepTrace trace, PrintStream log,
            boolean progress) {
        this.w = w;
        this.s = s;
        this.task = task;
        this.out = out;
        this.trace = trace;
        this.log = log;
        this.progress = progress;
    }

    /** This loop reporting to {@code o} (replacing any earlier observer); returns this. */
    public TrainLoop observe(Observer o) {
        this.observer = o == null ? Observer.NONE : o;
        return this;
    }

    /** {@link #run(TrainState, double, int)} with no earlier training time. */
    public Result run(TrainState from, int stopAt) throws IOException {
        return run(from, 0, stopAt);
    }

    /**
     * Runs steps {@code from.step()+1 .. stopAt}.
     *
     * @param from          the resumed state (step 0, no metrics, for a fresh run)
     * @param secondsBefore training wall time of the earlier sessions of a resumed run (0 for a fresh one)
     * @param stopAt      last step to run (≤ config steps; a multiple of the interval): a checkpoint is written there
     */
    public Result run(TrainState from, double secondsBefore, int stopAt) throws IOException {
        TrainConfig c = s.config();
        if (stopAt < from.step() || stopAt > c.steps() || stopAt % c.interval() != 0) {
            throw new IllegalArgumentException("stop step " + stopAt + " must be a multiple of the interval "
                    + c.interval() + " in [" + from.step() + ", " + c.steps() + "]");
        }
        MetricsLog metrics = new MetricsLog(out, task.metric().id(), from.metrics());
        Map<String, Var> params = s.trainedParameters();
        long t0 = System.nanoTime();
        double lastLoss = Double.NaN, metric = Double.NaN, evalLoss = Double.NaN;
        int lastGood = from.step();
        Path ckpt = null;
        try (ProgressBar bar = bar(stopAt - from.step())) {
            for (int k = from.step() + 1; k <= stopAt; k++) {
                Batch b = w.sample(task, c.batch(), StepSeeds.rng(c.seed(), StepSeeds.BATCH, k));
                Rng dropout = StepSeeds.rng(c.seed(), StepSeeds.DROPOUT, k);
                boolean evalNow = k % c.evalEvery() == 0 || k == c.steps();
                try {
                    // the trainer checks the loss (and, cola, each site's dL/dh) before it updates anything
                    long ts = System.nanoTime();
                    lastLoss = s.trainer().step(ctx -> w.loss(b, ctx), RowRouting.single(0, b.rows()), dropout);
                    long stepNanos = System.nanoTime() - ts;
                    if (!Double.isFinite(lastLoss)) throw new NonFiniteException("loss is " + lastLoss);
                    for (Map.Entry<String, Var> p : params.entrySet()) {
                        String bad = NonFiniteException.firstNonFinite(p.getValue().value());
                        if (bad != null) {
                            throw new NonFiniteException("parameter " + p.getKey()
                                    + " became non-finite (" + bad + ")");
                        }
                    }
                    if (evalNow) {
                        double[] me = evaluate(lastLoss);
                        metric = me[0];
                        evalLoss = me[1];
                    }
                    observer.stepped(k, stepNanos);
                    if (evalNow) observer.evaluated(k, metric, evalLoss);
                } catch (IllegalStateException | IllegalArgumentException e) {
                    metrics.flush();
                    throw new IllegalStateException("step " + k + ": " + e.getMessage() + "; training stopped"
                            + (out == null ? "" : lastGood > 0 ? lastCheckpoint(lastGood)
                                    : "; no checkpoint was written yet"), e);
                }
                if (trace != null) trace.write(k, b, lastLoss, s.lastAdaptationData(), params);
                metrics.add(new MetricsLog.Row(k, lastLoss, s.optimizer().lr(), evalNow ? evalLoss : null,
                        evalNow ? metric : null));
                if (evalNow || k == stopAt) {
                    if (out != null) {
                        ckpt = TrainState.write(out, s, w.model(), new TrainState(c, k, from.base(), metrics.rows()));
                        lastGood = k;
                        metrics.setSeconds(secondsBefore + (System.nanoTime() - t0) / 1e9);
                        metrics.flush();
                    }
                    if (evalNow) {
                        String line = String.format("step %d/%d  loss %.4f  lr %.3g  eval_loss %.4f  %s %.4f", k,
                                c.steps(), lastLoss, s.optimizer().lr(), evalLoss, task.metric().id(), metric);
                        if (bar != null) bar.setExtraMessage(" " + line);
                        else log.println(line);
                    }
                }
                if (bar != null) bar.step();
            }
        }
        double secs = secondsBefore + (System.nanoTime() - t0) / 1e9;
        return new Result(task.metric().id(), metric, lastLoss, evalLoss, stopAt, secs, ckpt);
    }

    /**
     * The divergence message's part about the last checkpoint: called "good" only if its manifest verifies now.
     */
    private String lastCheckpoint(int step) {
        Path dir = out.resolve(TrainState.DIR);
        try {
            CheckpointManifest.verify(dir);
            return "; the last good checkpoint (step " + step + ", manifest verified) is intact in " + dir;
        } catch (IOException e) {
            return "; the last checkpoint (step " + step + ") in " + dir + " does not verify: " + e.getMessage();
        }
    }

    /**
     * Held-out metric and loss on a fixed sample (Rng(EVAL_SEED)), adapted model in eval mode. The training loss and
     * every trained parameter are finite here, but a diverged model's held-out outputs can still overflow; such a
     * failure is reported as a divergence, with the training loss of the step.
     */
    private double[] evaluate(double trainLoss) {
        try {
            double metric = w.evaluate(task, s.config().evalExamples(), new Rng(Pretrainer.EVAL_SEED),
                    s.evalContext());
            double loss = w.evalLoss(task, s.config().evalExamples(), new Rng(Pretrainer.EVAL_SEED),
                    s.evalContext());
            if (!Double.isFinite(loss)) throw new IllegalStateException("held-out loss is " + loss);
            return new double[] {metric, loss};
        } catch (IllegalArgumentException | IllegalStateException e) {
            String m = String.valueOf(e.getMessage());
            boolean nonFinite = m.contains("finite") || m.contains("NaN") || m.contains("Infinity");
            throw new NonFiniteException("held-out evaluation "
                    + (nonFinite ? "is non-finite (" + m + "): the model diverged although the training loss ("
                            + trainLoss + ") and the trained parameters are finite" : "failed: " + m));
        }
    }

    private ProgressBar bar(int steps) {
        if (!progress || System.console() == null) return null;
        return new ProgressBarBuilder().setTaskName("train " + s.config().method()).setInitialMax(steps)
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(log))
                .setUpdateIntervalMillis(250).showSpeed().build();
    }
}
