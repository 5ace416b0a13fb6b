package cola4j.gl.auxiliary;

import cola4j.tensor.DType;

/**
 * Configuration of a {@link LinearAux}.
 *
 * @param bias  whether the auxiliary has a bias Δb [out]
 * @param dtype element type of the weights
 */
public record LinearConfig(boolean bias, DType dtype) {
    public LinearConfig {
        if (dtype == null) throw new IllegalArgumentException("linear auxiliary: dtype is required");
    }
}
