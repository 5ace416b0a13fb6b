package cola4j.gl.app.demo;

import java.util.List;

/**
 * The sizes and pass criteria of {@code cola demo}: full (≤ 5 minutes on 2 cores) or quick (a few seconds, used by
 * the end-to-end test).
 *
 * @param users           users (each a different task: kinds cycled, each user in its own variant)
 * @param taskKinds       digits shift kinds cycled over users (user u gets taskKinds[u mod n] in variant u); the
 *                        demo leaves out {@code invert}, which rank-8 adapters do not learn (see
 *                        {@link cola4j.models.data.DigitShift})
 * @param pretrainSteps   pretraining steps of the base MLP
 * @param steps           server steps per method
 * @param rowsPerUser     examples per user per step
 * @param evalEvery       learning-curve resolution (steps)
 * @param seeds           seeds for the ColA-low-rank vs LoRA margin (1 = no margin study)
 * @param rank            LoRA rank
 * @param lr              users' AdamW learning rate (ColA and LoRA)
 * @param fullLr          full fine-tuning AdamW learning rate
 * @param margin          a method passes for a user when its accuracy ≥ max(base, chance) + margin
 * @param chanceTolerance the base counts as near chance on a user when |base − chance| ≤ chanceTolerance
 */
public record DemoPlan(int users, List<String> taskKinds, int pretrainSteps, int steps, int rowsPerUser, int evalEvery,
                       int seeds, int rank, double lr, double fullLr, double margin, double chanceTolerance) {
    /** The demo's tasks: every digits kind but {@code invert}. */
    public static final List<String> TASK_KINDS = List.of("rotate", "flip", "mixed");

    public DemoPlan {
        taskKinds = List.copyOf(taskKinds);
        if (users < 1 || taskKinds.isEmpty() || steps < 1 || seeds < 1 || evalEvery < 1) {
            throw new IllegalArgumentException("demo plan: users, task kinds, steps, evalEvery and seeds must be >= 1");
        }
    }

    /** Evaluations per method: every {@code evalEvery} steps and at the last step. */
    public int evaluations() {
        return (steps + evalEvery - 1) / evalEvery;
    }

    /**
     * How many of the last evaluations the tables average (⌈evaluations / 4⌉: 5 of 20 for the full demo, steps
     * 240–300; 2 of 6 for {@code --quick}), so that one evaluation's swing does not decide a row.
     */
    public int tailEvals() {
        return (evaluations() + 3) / 4;
    }

    /** E.g. {@code "mean of the last 5 of 20 evaluations, steps 240-300"}. */
    public String tailDescription() {
        int first = Math.min(steps, (evaluations() - tailEvals() + 1) * evalEvery);
        return "mean of the last " + tailEvals() + " of " + evaluations() + " evaluations, steps " + first + "-"
                + steps;
    }

    public static DemoPlan full() {
        return new DemoPlan(4, TASK_KINDS, 300, 300, 32, 15, 5, 8, 0.02, 2e-3, 0.2, 0.05);
    }

    public static DemoPlan quick() {
        return new DemoPlan(4, TASK_KINDS, 150, 60, 32, 10, 1, 8, 0.02, 2e-3, 0.2, 0.05);
    }
}
