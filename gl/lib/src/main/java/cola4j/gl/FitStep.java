package cola4j.gl;

/**
 * What one user optimizer step did.
 *
 * @param step          index of this optimizer step (0-based)
 * @param batches       batches of adaptation data it consumed
 * @param rows          rows in their concatenation
 * @param surrogateLoss value of the surrogate ℓ = ½‖dL/dh‖² summed over rows (a diagnostic; its gradient is
 *                      what counts)
 * @param gradNorm      global 2-norm of dL/dw before clipping
 * @param lr            learning rate used
 */
public record FitStep(long step, int batches, int rows, double surrogateLoss, double gradNorm, double lr) {}
