package cola4j.models.layers;

import cola4j.autograd.LinalgOps;
import cola4j.autograd.Var;
import cola4j.models.ForwardContext;
import cola4j.models.Module;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;

/**
 * Lookup table as PyTorch {@code nn.Embedding}: h[b, t] = W[ids[b][t]], W [num, dim], ids [B][T] → h [B, T, dim].
 * Init: W ~ N(0, 0.02²) as GPT-2. Parameter: {@code weight}. Gradient: dW = scatter-add of dh rows into the
 * looked-up indices (repeated ids accumulate).
 *
 * <p>As an adaptation {@link Site} it is the linear map h = onehot(ids)·W; an interceptor receives
 * x = onehot(ids) [B, T, num] as a constant (built only when an interceptor is present).
 */
public final class Embedding implements Module, Site {
    private final String name;
    private final int num, dim;
    private Var weight;

    /** A table of {@code num} embeddings of width {@code dim}, N(0, 0.02²) from {@code rng}. */
    public Embedding(String name, int num, int dim, DType dtype, Rng rng) {
        if (num <= 0 || dim <= 0) {
            throw new IllegalArgumentException("Embedding " + name + ": sizes must be positive, got num="
                    + num + " dim=" + dim);
        }
        this.name = name;
        this.num = num;
        this.dim = dim;
        this.weight = Var.param(rng.normal(dtype, 0.0, 0.02, num, dim));
    }

    /** ids [B][T] (rectangular, each in [0, num)) → [B, T, dim], then the interceptor if any. */
    public Var forward(int[][] ids, ForwardContext ctx) {
        int b = ids.length, t = Tokens.width(ids, "Embedding " + name);
        int[] flat = new int[b * t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                int id = ids[i][j];
                if (id < 0 || id >= num) {
                    throw new IllegalArgumentException("Embedding " + name + ": id " + id + " at [" + i + "][" + j
                            + "] outside [0, " + num + ")");
                }
                flat[i * t + j] = id;
            }
        }
        Var h = LinalgOps.gatherRows(weight, flat).reshape(b, t, dim); // [B*T, dim] -> [B, T, dim]
        if (ctx.interceptor() == null) return h;
        // [B*T, num] -> [B, T, num]
        Tensor onehot = Tensor.oneHot(weight.value().dtype(), flat, num).reshape(b, t, num);
        return Linear.intercept(this, Var.constant(onehot), h, ctx);
    }

    @Override public String name() { return name; }
    @Override public Kind kind() { return Kind.EMBEDDING; }
    @Override public int inFeatures() { return num; }
    @Override public int outFeatures() { return dim; }
    @Override public Tensor weight() { return weight.value(); }
    @Override public Tensor bias() { return null; }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        m.put("weight", weight);
        return m;
    }

    @Override
    public void setTrainable(boolean trainable) {
        weight = Params.wrap(weight, trainable);
    }

    @Override
    public String toString() {
        return "Embedding(" + name + ", " + num + " x " + dim + ")";
    }
}
