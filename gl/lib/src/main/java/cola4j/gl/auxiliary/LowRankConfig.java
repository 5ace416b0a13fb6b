package cola4j.gl.auxiliary;

import cola4j.tensor.DType;

/**
 * Configuration of a {@link LowRankAux} or {@link EmbeddingLowRankAux} (LoRA).
 *
 * @param rank  r >= 1, the inner dimension of the factorization
 * @param alpha α > 0; the output is scaled by α / r (PEFT's {@code lora_alpha})
 * @param dtype element type of the factors
 * @param seed  seed of the random factor's initialization
 */
public record LowRankConfig(int rank, double alpha, DType dtype, long seed) {
    public LowRankConfig {
        if (rank < 1) throw new IllegalArgumentException("low-rank auxiliary: rank must be >= 1, got " + rank);
        if (!(alpha > 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("low-rank auxiliary: alpha must be finite and > 0, got " + alpha);
        }
        if (dtype == null) throw new IllegalArgumentException("low-rank auxiliary: dtype is required");
    }

    /** The output scale α / r. */
    public double scale() {
        return alpha / rank;
    }
}
