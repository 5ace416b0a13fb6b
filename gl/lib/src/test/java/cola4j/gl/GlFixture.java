package cola4j.gl;

import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.autograd.LinalgOps;
import cola4j.autograd.Var;
import cola4j.gl.auxiliary.Activation;
import cola4j.gl.auxiliary.AuxSpec;
import cola4j.gl.auxiliary.AuxiliaryFactory;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One adapted site in float64: a frozen base layer (linear h = x Wᵀ + b, or an embedding h = E[ids]) followed by
 * the nonlinear loss L = (1/B) Σ tanh(h + g(x)) · c over a batch x [B, T, in] (ids [B, T]).
 */
final class GlFixture {
    static final DType F64 = DType.FLOAT64;
    static final int B = 3, T = 2, IN = 4, OUT = 5, VOCAB = 7;

    final String type;
    final Tensor w, b, table, c;

    GlFixture(String type, long seed) {
        this.type = type;
        Rng rng = new Rng(seed);
        w = rng.normal(F64, 0, 0.7, OUT, IN);
        b = rng.normal(F64, 0, 0.3, OUT);
        table = rng.normal(F64, 0, 0.7, VOCAB, OUT);
        c = rng.normal(F64, 0, 1, OUT);
    }

    boolean embedding() {
        return type.equals("embedding");
    }

    /** A fresh auxiliary of this fixture's type with every parameter randomized (so no gradient is trivially 0). */
    AuxiliaryModel aux(long seed) {
        AuxSpec spec = new AuxSpec(2, 3.0, 6, 2, type.equals("mlp-sigmoid") ? Activation.SIGMOID : Activation.RELU,
                true, F64, seed);
        String name = type.startsWith("mlp") ? "mlp" : type;
        AuxiliaryModel aux = AuxiliaryFactory.create(AuxiliaryKind.parse(name), embedding() ? VOCAB : IN, OUT, spec);
        Rng rng = new Rng(seed + 1000);
        aux.namedParameters().values().forEach(p -> p.setValue(rng.normal(F64, 0, 0.5, p.shape())));
        return aux;
    }

    /** A batch of inputs: x [B, T, in], or ids [B, T] (integral values) for an embedding site. */
    Tensor batch(long seed) {
        Rng rng = new Rng(seed);
        if (!embedding()) return rng.normal(F64, 0, 1, B, T, IN);
        Tensor ids = Tensor.zeros(F64, B, T);
        for (int i = 0; i < ids.numel(); i++) ids.setFlat(i, rng.nextInt(VOCAB));
        return ids;
    }

    /** The frozen base output h = f(x) [B, T, out]. */
    Var base(Var x) {
        if (embedding()) {
            int[] ids = new int[x.value().numel()];
            for (int i = 0; i < ids.length; i++) ids[i] = (int) x.value().getFlat(i);
            return LinalgOps.gatherRows(Var.constant(table), ids).reshape(B, T, OUT); // [B*T, out] -> [B, T, out]
        }
        return x.matmul(Var.constant(w), false, true).add(Var.constant(b));          // [B, T, in] x [in, out] + [out]
    }

    /** L = (1/B) Σ tanh(o) · c for the site output o [B, T, out]. */
    Var loss(Var o) {
        return o.tanh().mul(Var.constant(c)).sum(false).mul(1.0 / B);
    }

    /** The reference: L through the whole graph with the auxiliary inside it; backward fills its parameters' grads. */
    Var fullLoss(AuxiliaryModel aux, Tensor x) {
        Var xv = Var.constant(x);
        return loss(base(xv).add(aux.apply(xv)));
    }

    /**
     * The ColA server pass, as {@code ColaInterceptor} does it: frozen base h = f(x), a tap on h that receives dL/dh,
     * the site output tap(h) + g_w(x) with g evaluated frozen ({@link AuxiliaryModel#applyFrozen}); after backward
     * the adaptation data (x flattened to [rows, in] or ids [rows], dL/dh to [rows, out]).
     */
    AdaptationData serverPass(AuxiliaryModel aux, Tensor x) {
        Var xv = Var.constant(x);
        Var tap = Var.tap(base(xv)).retainGrad();                                     // [B, T, out]
        Tensor[] hooked = new Tensor[1];
        tap.registerHook(g -> hooked[0] = g);
        Map<Var, Tensor> before = new java.util.IdentityHashMap<>();
        aux.namedParameters().values().forEach(p -> before.put(p, p.grad()));
        loss(tap.add(aux.applyFrozen(xv))).backward();
        before.forEach((p, g) -> {
            if (p.grad() != g) {
                throw new AssertionError("the server pass touched the gradient of an auxiliary parameter");
            }
        });
        Tensor xr = embedding() ? x.reshape(-1) : x.reshape(-1, IN);   // [B, T, in] -> [rows, in]; ids -> [rows]
        AdaptationData d = new AdaptationData("site", xr, tap.grad().reshape(-1, OUT)); // [B, T, out] -> [rows, out]
        if (hooked[0].reshape(-1, OUT).maxAbsDiff(d.gradH()) != 0) {
            throw new AssertionError("hook and retained gradient disagree");
        }
        return d;
    }

    /** dL/dw by full backprop. */
    static LinkedHashMap<String, Tensor> backpropGradient(AuxiliaryModel aux, Var loss) {
        aux.namedParameters().values().forEach(Var::zeroGrad);
        loss.backward();
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        aux.namedParameters().forEach((k, p) -> out.put(k, p.grad()));
        return out;
    }

    /** max |a − b| / max |b| over all named tensors. */
    static double relErr(Map<String, Tensor> got, Map<String, Tensor> want) {
        double num = 0, den = 0;
        for (String k : want.keySet()) {
            num = Math.max(num, got.get(k).maxAbsDiff(want.get(k)));
            den = Math.max(den, want.get(k).maxAbs());
        }
        return num / den;
    }
}
