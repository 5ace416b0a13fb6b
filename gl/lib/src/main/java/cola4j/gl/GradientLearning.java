package cola4j.gl;

import cola4j.autograd.Losses;
import cola4j.autograd.Var;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;

/**
 * Gradient learning (GL), the heart of ColA: how a user fits its auxiliary model g_w from the adaptation data
 * (x, dL/dh) alone, without the base model or the loss.
 *
 * <p><b>Why it works.</b> The site outputs h + g_w(x), so dL/d(g_w(x)) = dL/dh, and by the chain rule
 *
 * <pre>
 *   dL/dw = Σ_rows J_w(x)ᵀ · dL/dh           J_w(x) = ∂g_w(x)/∂w
 * </pre>
 *
 * This is exactly the gradient of the <em>surrogate</em>
 *
 * <pre>
 *   ℓ(w) = ½ · Σ_rows ‖ g_w(x) − stopgrad( g_w(x) − dL/dh ) ‖²
 * </pre>
 *
 * because dℓ/d(g_w(x)) = g_w(x) − (g_w(x) − dL/dh) = dL/dh, with the pseudo-target held constant. So one
 * optimizer step on ℓ is one optimizer step on L. The value of ℓ is ½‖dL/dh‖² (it does not depend on w); only
 * its gradient matters. In floating point the residual g − (g − dL/dh) equals dL/dh up to one rounding of g's
 * size.
 *
 * <p><b>Batch means.</b> When the server's loss is a mean over a batch of B examples, its dL/dh already carries the
 * 1/B factor, so summing (not averaging) over rows here reproduces dL/dw exactly.
 */
public final class GradientLearning {
    private GradientLearning() {}

    /**
     * The surrogate ℓ(w) as a scalar {@link Var} whose backward fills the auxiliary parameters' gradients with
     * dL/dw. The pseudo-target g_w(x) − dL/dh is a constant tensor (computed from the forward value).
     *
     * @throws IllegalArgumentException if g_w(x) does not have gradH's shape [rows, out]
     */
    public static Var surrogateLoss(AuxiliaryModel aux, AdaptationData data) {
        Var g = aux.apply(Var.constant(data.x()));                              // [rows, out]
        if (!Arrays.equals(g.shape(), data.gradH().shape())) {
            throw new IllegalArgumentException("gradient learning for site '" + data.site() + "': auxiliary output "
                    + Arrays.toString(g.shape()) + " does not match gradH " + Arrays.toString(data.gradH().shape()));
        }
        if (g.value().dtype() != data.gradH().dtype()) {
            throw new IllegalArgumentException("gradient learning for site '" + data.site() + "': auxiliary dtype "
                    + g.value().dtype() + " differs from gradH dtype " + data.gradH().dtype());
        }
        Tensor target = g.value().sub(data.gradH());                          // stopgrad(g − dL/dh)
        return Losses.halfSquaredError(g, target);                    // ½ Σ ‖g − target‖², r = dL/dh
    }

    /**
     * dL/dw for every auxiliary parameter, by backprop of the surrogate: clears the parameters' gradients, runs
     * {@code surrogateLoss(aux, data).backward()}, and returns the gradients by parameter name (they also stay in
     * each parameter's {@link Var#grad()} for an optimizer to use). A parameter the output does not depend on
     * gets zeros.
     */
    public static LinkedHashMap<String, Tensor> gradient(AuxiliaryModel aux, AdaptationData data) {
        aux.namedParameters().values().forEach(Var::zeroGrad);
        surrogateLoss(aux, data).backward();
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        aux.namedParameters()
                .forEach((name, p) -> out.put(name, p.grad() != null ? p.grad() : Tensor.zerosLike(p.value())));
        return out;
    }
}
