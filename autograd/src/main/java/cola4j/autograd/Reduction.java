package cola4j.autograd;

/** How a loss combines its per-element (or per-row) terms into one scalar. */
public enum Reduction {
    /** Average over the counted terms (for cross-entropy: over rows whose target is not ignored). */
    MEAN,
    /** Plain sum over the counted terms. */
    SUM
}
