package cola4j.gl.ftaas;

/**
 * The sizes of {@code cola demo}: full (≤ 5 minutes on 2 cores) or quick (≤ 1 minute, used by the end-to-end test).
 *
 * @param users         users (tasks rotate, flip, invert, mixed, cycled)
 * @param pretrainSteps pretraining steps of the base MLP
 * @param steps         server steps per method
 * @param rowsPerUser   examples per user per step
 * @param evalEvery     learning-curve resolution (steps)
 * @param seeds         seeds for the ColA-low-rank vs LoRA margin (1 = no margin study)
 * @param rank          LoRA rank
 * @param lr            users' AdamW learning rate (ColA and LoRA)
 * @param fullLr        full fine-tuning AdamW learning rate
 */
public record DemoPlan(int users, int pretrainSteps, int steps, int rowsPerUser, int evalEvery, int seeds, int rank, double lr, double fullLr) {
    public static DemoPlan full() {
        return new DemoPlan(4, 300, 300, 32, 15, 3, 8, 0.02, 2e-3);
    }

    public static DemoPlan quick() {
        return new DemoPlan(4, 150, 60, 32, 10, 1, 8, 0.02, 2e-3);
    }
}
