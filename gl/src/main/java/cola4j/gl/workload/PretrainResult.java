package cola4j.gl.workload;

import java.nio.file.Path;
import java.util.LinkedHashMap;

/**
 * What {@link Pretrainer#run} reports.
 *
 * @param workload         the workload whose model now holds the pretrained weights
 * @param metric           the metric id of the pretraining mixture ({@code accuracy}, {@code exact_match}, ...)
 * @param pretrainMetric   that metric on held-out pretraining-mixture examples
 * @param pretrainLoss     mean loss on the same held-out examples
 * @param pretrainPerTask  the metric on held-out examples of each pretraining task alone, in mixture order
 * @param target           the family's documented target ({@link PretrainTarget#of})
 * @param downstreamBefore metric of the pretrained, not adapted, base on user 0's variant of each downstream task
 * @param downstreamChance chance level of each downstream task's metric on the same examples (best constant prediction,
 *                         {@link Workload#chance})
 * @param trainSeconds     wall time of the training loop (as recorded when the checkpoint was trained)
 * @param steps            optimizer steps trained
 * @param fromCache        true when the checkpoint was loaded from the cache instead of trained
 * @param checkpoint       the cache entry directory
 */
public record PretrainResult(Workload workload, String metric, double pretrainMetric, double pretrainLoss,
                             LinkedHashMap<String, Double> pretrainPerTask, PretrainTarget target,
                             LinkedHashMap<String, Double> downstreamBefore, LinkedHashMap<String, Double> downstreamChance, double trainSeconds, int steps, boolean fromCache,
                             Path checkpoint) {
    /** True when the held-out pretraining metric reaches the target's threshold. */
    public boolean targetMet() {
        return target.metBy(pretrainMetric);
    }
}
