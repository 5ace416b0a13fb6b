package cola4j.gl.auxiliary;

import cola4j.autograd.Var;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A multilayer perceptron auxiliary (ColA's "MLP"): with L = hiddenLayers, z₀ = x,
 *
 * <pre>
 *   z_k = φ(z_{k−1} W_kᵀ + b_k)      k = 1..L,   W_1 [hidden, in], W_k [hidden, hidden]
 *   g(x) = z_L W_{L+1}ᵀ + b_{L+1}             W_{L+1} [out, hidden]
 * </pre>
 *
 * Hidden layers are initialized as PyTorch's {@code nn.Linear} (weight and bias U(−1/√fanIn, 1/√fanIn)); the last
 * layer is zero so that g = 0 at the start. Not linear in x, hence not mergeable. Parameters:
 * {@code layers.<k>.weight}, {@code layers.<k>.bias} for k = 0..L.
 */
public final class MlpAux implements AuxiliaryModel {
    private final int in, out;
    private final MlpConfig cfg;
    private final List<Var> weights = new ArrayList<>();
    private final List<Var> biases = new ArrayList<>();

    public MlpAux(int in, int out, MlpConfig cfg) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("mlp auxiliary: in and out must be >= 1, got " + in + ", " + out);
        }
        this.in = in;
        this.out = out;
        this.cfg = cfg;
        Rng rng = new Rng(cfg.seed());
        int fanIn = in;
        for (int k = 0; k <= cfg.hiddenLayers(); k++) {
            boolean last = k == cfg.hiddenLayers();
            int width = last ? out : cfg.hiddenSize();
            Tensor w = last ? Tensor.zeros(cfg.dtype(), width, fanIn)
                    : rng.kaimingUniform(cfg.dtype(), fanIn, width, fanIn);
            weights.add(Var.param(w).named("layers." + k + ".weight"));
            if (cfg.bias()) {
                double bound = 1.0 / Math.sqrt(fanIn);
                Tensor b = last ? Tensor.zeros(cfg.dtype(), width) : rng.uniform(cfg.dtype(), -bound, bound, width);
                biases.add(Var.param(b).named("layers." + k + ".bias"));
            }
            fanIn = width;
        }
    }

    public MlpConfig config() {
        return cfg;
    }

    @Override
    public Var apply(Var x) {
        return forward(x, weights, biases);
    }

    @Override
    public Var applyFrozen(Var x) {
        return forward(x, weights.stream().map(Var::detach).toList(), biases.stream().map(Var::detach).toList());
    }

    private Var forward(Var x, List<Var> weights, List<Var> biases) {
        Var z = Rows.flatten(kind(), x, in);                        // [rows, in]
        for (int k = 0; k < weights.size(); k++) {
            z = z.matmul(weights.get(k), false, true);              // [rows, width_k]
            if (cfg.bias()) z = z.add(biases.get(k));
            if (k < weights.size() - 1) z = cfg.activation().apply(z);
        }
        return Rows.unflatten(z, x.shape(), out);                   // [..., out]
    }


    @Override
    public Tensor deltaWeight() {
        throw new IllegalStateException("mlp auxiliary is not mergeable: g(x) = MLP(x) is nonlinear in x (activation "
                + cfg.activation() + "), so no ΔW with g(x) = x·ΔWᵀ exists; keep it as a separate module");
    }

    @Override
    public Tensor deltaBias() {
        return null;
    }

    @Override
    public int inFeatures() {
        return in;
    }

    @Override
    public int outFeatures() {
        return out;
    }

    @Override
    public AuxiliaryKind kind() {
        return AuxiliaryKind.MLP;
    }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        for (int k = 0; k < weights.size(); k++) {
            m.put("layers." + k + ".weight", weights.get(k));
            if (cfg.bias()) m.put("layers." + k + ".bias", biases.get(k));
        }
        return m;
    }
}
