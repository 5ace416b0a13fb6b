package cola4j.gl.auxiliary;

import cola4j.autograd.LinalgOps;
import cola4j.autograd.Var;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;

/**
 * LoRA for an embedding site (PEFT's {@code lora.Embedding}): the input is token ids, and
 *
 * <pre>
 *   g(ids) = s · (Aᵀ)[ids] Bᵀ       ids [...], A [r, n], B [d, r], s = α / r  →  [..., d]
 *   ΔE     = s · (B A)ᵀ              [n, d], the shape of the embedding table
 * </pre>
 *
 * where n = num_embeddings, d = embedding_dim and (Aᵀ)[ids] gathers rows of Aᵀ [n, r] (PEFT:
 * {@code F.embedding(x, lora_embedding_A.T) @ lora_embedding_B.T * scaling}). As in PEFT, A starts at zero and B
 * is N(0, 1), so g = 0 at initialization. VJP: dA = s · (scatter-add of G B into the rows ids)ᵀ,
 * dB = s · Gᵀ (Aᵀ)[ids].
 * Parameters: {@code lora_embedding_A} [r, n], {@code lora_embedding_B} [d, r].
 */
public final class EmbeddingLowRankAux implements AuxiliaryModel {
    private final int numEmbeddings, dim;
    private final LowRankConfig cfg;
    private final Var a, b;

    public EmbeddingLowRankAux(int numEmbeddings, int dim, LowRankConfig cfg) {
        if (numEmbeddings < 1 || dim < 1) {
            throw new IllegalArgumentException("embedding auxiliary: numEmbeddings and dim must be >= 1, got "
                    + numEmbeddings + ", " + dim);
        }
        this.numEmbeddings = numEmbeddings;
        this.dim = dim;
        this.cfg = cfg;
        Rng rng = new Rng(cfg.seed());
        this.a = Var.param(Tensor.zeros(cfg.dtype(), cfg.rank(), numEmbeddings)).named("lora_embedding_A");
        this.b = Var.param(rng.normal(cfg.dtype(), 0, 1, dim, cfg.rank())).named("lora_embedding_B");
    }

    public LowRankConfig config() {
        return cfg;
    }

    /** Reads token ids from a tensor of integral values, checking range. */
    static int[] ids(Tensor t, int n) {
        int[] ids = new int[t.numel()];
        for (int i = 0; i < ids.length; i++) {
            double v = t.getFlat(i);
            if (v != Math.rint(v) || v < 0 || v >= n) {
                throw new IllegalArgumentException("embedding auxiliary: token id " + v + " at flat index " + i
                        + " is not an integer in [0, " + n + ")");
            }
            ids[i] = (int) v;
        }
        return ids;
    }

    @Override
    public Var applyFrozen(Var x) {
        // token ids carry no gradient, so with constant parameters the output is a constant
        try (var s = cola4j.autograd.GradMode.noGrad()) {
            return apply(x);
        }
    }

    @Override
    public Var apply(Var x) {
        int[] ids = ids(x.value(), numEmbeddings);
        Var rows = LinalgOps.gatherRows(a.transpose(0, 1), ids);   // Aᵀ [n, r] gathered -> [tokens, r]
        Var y = rows.matmul(b, false, true).mul(cfg.scale());       // [tokens, r] x [r, d] -> [tokens, d]
        int[] s = Arrays.copyOf(x.shape(), x.shape().length + 1);
        s[s.length - 1] = dim;
        return y.reshape(s);                                        // [tokens, d] -> [..., d]
    }


    @Override
    public Tensor deltaWeight() {
        return b.value().matmul(a.value()).transpose(0, 1).mul(cfg.scale()); // ([d, r] x [r, n])ᵀ -> [n, d]
    }

    @Override
    public Tensor deltaBias() {
        return null;
    }

    @Override
    public int inFeatures() {
        return numEmbeddings;
    }

    @Override
    public int outFeatures() {
        return dim;
    }

    @Override
    public AuxiliaryKind kind() {
        return AuxiliaryKind.EMBEDDING;
    }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        m.put("lora_embedding_A", a);
        m.put("lora_embedding_B", b);
        return m;
    }
}
