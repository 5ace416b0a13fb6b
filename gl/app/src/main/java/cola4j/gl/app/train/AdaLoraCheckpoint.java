package cola4j.gl.app.train;

import cola4j.gl.baselines.AdaLoraTrainer;
import cola4j.gl.baselines.RankAllocatorState;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rank allocator's state in {@code training_state.safetensors} of an adalora run: the tensors of
 * {@link RankAllocatorState} under the prefix {@code adalora.} (EMAs Ī, Ū of every A, E, B entry and each site's
 * rank pattern), float64 whatever the run's dtype, so a resumed run continues bit-exactly. Other methods write none.
 */
final class AdaLoraCheckpoint {
    static final String PREFIX = "adalora.";

    private AdaLoraCheckpoint() {}

    /** Adds the allocator state of an adalora setup to {@code into}; nothing for other methods. */
    static void addState(MethodSetup s, Map<String, Tensor> into) {
        if (s.trainer() instanceof AdaLoraTrainer t) {
            RankAllocatorState.stateDict(t.allocator()).forEach((k, v) -> into.put(PREFIX + k, v));
        }
    }

    /**
     * Restores the allocator from the {@code adalora.} tensors (prefix stripped) of a checkpoint.
     *
     * @throws CheckpointException when a non-adalora run has any, or they do not fit the run
     */
    static void restore(MethodSetup s, LinkedHashMap<String, Tensor> state, String file) throws CheckpointException {
        if (!(s.trainer() instanceof AdaLoraTrainer t)) {
            if (!state.isEmpty()) {
                throw new CheckpointException(file + ": unexpected tensor " + PREFIX
                        + state.keySet().iterator().next());
            }
            return;
        }
        try {
            RankAllocatorState.load(t.allocator(), state);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file + ": " + e.getMessage(), e);
        }
    }
}
