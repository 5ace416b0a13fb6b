package cola4j.tensor.memory;

/** What a tracked block of bytes is for. */
public enum MemCategory {
    /** trainable and frozen model weights */
    PARAMETERS,
    /** gradients of parameters or of hidden representations */
    GRADIENTS,
    /** optimizer moments and step counters (e.g. Adam's m and v) */
    OPTIMIZER_STATE,
    /** forward-pass values kept for the backward pass */
    ACTIVATIONS,
    /** anything else: transport buffers, caches, staging copies */
    BUFFERS
}
