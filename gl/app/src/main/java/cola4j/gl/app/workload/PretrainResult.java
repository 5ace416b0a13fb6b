package cola4j.gl.app.workload;

import java.nio.file.Path;
import java.util.LinkedHashMap;

/**
 * What {@link Pretrainer#run} reports.
 *
 * @param workload         the workload whose model now holds the pretrained weights
 * @param metric           the metric id of the pretraining mixture ({@code accuracy}, {@code exact_match}, ...)
 * @param pretrainMetric   that metric on held-out pretraining-mixture examples (inputs never seen in training)
 * @param pretrainLoss     mean loss on the same held-out examples
 * @param pretrainPerTask  the metric on held-out examples of each pretraining task alone, in mixture order; a task
 *                         whose every candidate input occurred in training is absent (its {@code heldOut} stats
 *                         show {@code used} 0)
 * @param target           the family's documented target ({@link PretrainTarget#of})
 * @param downstreamBefore metric of the pretrained, not adapted, base on user 0's variant of each downstream task
 * @param downstreamChance chance level of each downstream task's metric on the same examples (best constant prediction,
 *                         {@link Workload#chance})
 * @param trainSeconds     wall time of the training loop (as recorded when the checkpoint was trained)
 * @param steps            optimizer steps trained
 * @param fromCache        true when the checkpoint was loaded from the cache instead of trained
 * @param checkpoint       the cache entry directory
 * @param heldOut          how the held-out sets were drawn ({@link HeldOutReport})
 */
public record PretrainResult(Workload workload, String metric, double pretrainMetric, double pretrainLoss,
                             LinkedHashMap<String, Double> pretrainPerTask, PretrainTarget target,
                             LinkedHashMap<String, Double> downstreamBefore,
                             LinkedHashMap<String, Double> downstreamChance, double trainSeconds, int steps,
                             boolean fromCache,
                             Path checkpoint, HeldOutReport heldOut) {
    /**
     * The "near chance" rule for an untouched base on a downstream task: |score − chance| ≤ this (absolute, in
     * metric units). A score further below chance is not near chance either (the base answers systematically wrong).
     */
    public static final double NEAR_CHANCE_TOLERANCE = 0.05;

    /**
     * The training-stream overlap of the held-out evaluation.
     *
     * @param trainingExamples       examples in the training stream (steps × batch size)
     * @param trainingDistinctInputs distinct inputs among them
     * @param mixture                how the held-out mixture set was drawn
     * @param perTask                the same for each pretraining task alone, in mixture order
     */
    public record HeldOutReport(long trainingExamples, int trainingDistinctInputs, HeldOut.Stats mixture,
                                LinkedHashMap<String, HeldOut.Stats> perTask) {}

    /** True when the held-out pretraining metric reaches the target's threshold. */
    public boolean targetMet() {
        return target.metBy(pretrainMetric);
    }

    /** |score − chance| ≤ {@link #NEAR_CHANCE_TOLERANCE}. */
    public static boolean nearChance(double score, double chance) {
        return Math.abs(score - chance) <= NEAR_CHANCE_TOLERANCE;
    }

    /** The {@link #nearChance} verdict of every downstream task, in downstream order. */
    public LinkedHashMap<String, Boolean> downstreamNearChance() {
        LinkedHashMap<String, Boolean> out = new LinkedHashMap<>();
        downstreamBefore.forEach((task, v) -> out.put(task, nearChance(v, downstreamChance.get(task))));
        return out;
    }
}
