package cola4j.models.layers;

import cola4j.autograd.Var;
import cola4j.models.ForwardContext;
import cola4j.models.Module;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;

/**
 * Affine map as PyTorch {@code nn.Linear}: h = x·Wᵀ + b, x [..., in] → h [..., out], W [out, in], b [out].
 * Init: W ~ U(−1/√in, 1/√in) (kaiming-uniform with a = √5), b ~ U(−1/√in, 1/√in), W drawn first.
 * Parameters: {@code weight}, {@code bias}. Every Linear is an adaptation {@link Site}: with an interceptor in
 * the {@link ForwardContext} the forward returns {@code interceptor.intercept(this, x, h)}.
 * Gradients (from the primitives): dx = dh·W, dW = Σ_rows dhᵀ·x, db = Σ_rows dh.
 */
public final class Linear implements Module, Site {
    private final String name;
    private final int in, out;
    private Var weight, bias;

    /** A Linear named {@code name} (its full site path) with the PyTorch default init drawn from {@code rng}. */
    public Linear(String name, int in, int out, boolean hasBias, DType dtype, Rng rng) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Linear " + name + ": sizes must be positive, got in="
                    + in + " out=" + out);
        }
        this.name = name;
        this.in = in;
        this.out = out;
        this.weight = Var.param(rng.kaimingUniform(dtype, in, out, in));
        double bound = 1.0 / Math.sqrt(in);
        this.bias = hasBias ? Var.param(rng.uniform(dtype, -bound, bound, out)) : null;
    }

    /** h = x·Wᵀ + b, then the interceptor if any. x: [..., in] → [..., out]. */
    public Var forward(Var x, ForwardContext ctx) {
        int[] s = x.shape();
        if (s.length == 0 || s[s.length - 1] != in || x.value().dtype() != weight.value().dtype()) {
            throw new IllegalArgumentException("Linear " + name + ": input " + x.value().dtype() + " "
                    + Arrays.toString(s) + " needs last dim " + in + " and dtype " + weight.value().dtype());
        }
        Var h = x.matmul(weight, false, true); // [..., in]·[out, in]ᵀ -> [..., out]
        if (bias != null) h = h.add(bias);
        return intercept(this, x, h, ctx);
    }

    /** Applies the context's interceptor to a site's output and checks it kept h's shape and dtype. */
    static Var intercept(Site site, Var x, Var h, ForwardContext ctx) {
        if (ctx.interceptor() == null) return h;
        Var r = ctx.interceptor().intercept(site, x, h);
        if (r == null || !Arrays.equals(r.shape(), h.shape()) || r.value().dtype() != h.value().dtype()) {
            throw new IllegalArgumentException("interceptor at site " + site.name() + " returned "
                    + (r == null ? "null" : r.value().dtype() + " " + Arrays.toString(r.shape()))
                    + ", expected " + h.value().dtype() + " " + Arrays.toString(h.shape()));
        }
        return r;
    }

    @Override public String name() { return name; }
    @Override public Kind kind() { return Kind.LINEAR; }
    @Override public int inFeatures() { return in; }
    @Override public int outFeatures() { return out; }
    @Override public Tensor weight() { return weight.value(); }
    @Override public Tensor bias() { return bias == null ? null : bias.value(); }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        m.put("weight", weight);
        if (bias != null) m.put("bias", bias);
        return m;
    }

    @Override
    public void setTrainable(boolean trainable) {
        weight = Params.wrap(weight, trainable);
        bias = Params.wrap(bias, trainable);
    }

    @Override
    public String toString() {
        return "Linear(" + name + ", " + in + " -> " + out + (bias == null ? ", no bias)" : ")");
    }
}
