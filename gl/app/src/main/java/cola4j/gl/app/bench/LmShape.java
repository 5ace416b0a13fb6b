package cola4j.gl.app.bench;

import cola4j.gl.auxiliary.AuxSpec;
import cola4j.gl.auxiliary.AuxiliaryFactory;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.models.DecoderLM;
import cola4j.models.DecoderLMConfig;
import cola4j.models.site.Site;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The model and batch shape the training benchmarks share: a float32 decoder LM (dropout off, so every method and
 * SameDiff compute the same function) and a batch of random token ids.
 *
 * @param vocab   vocabulary size V
 * @param seqLen  sequence length T (also the model's maxLen)
 * @param dModel  width C
 * @param layers  transformer blocks
 * @param heads   attention heads nh (C divisible by nh)
 * @param batch   batch rows B
 */
public record LmShape(int vocab, int seqLen, int dModel, int layers, int heads, int batch) {
    /** Adapted sites of the adapter methods: query and value of every block (PEFT's usual LoRA targets). */
    public static final SiteSelector SITES = SiteSelector.suffixes("attn.query", "attn.value");
    /** LoRA rank and α of every adapter (scale α / r = 2). */
    public static final int RANK = 8;
    public static final double ALPHA = 16;

    public LmShape {
        if (vocab < 2 || seqLen < 1 || dModel < 1 || layers < 1 || heads < 1 || batch < 1 || dModel % heads != 0) {
            throw new IllegalArgumentException(
                    "bench shape: need vocab >= 2 and positive sizes with dModel % heads == 0, got " + this);
        }
    }

    /** The reference shape of the benchmarks: V = 64, T = 128, C = 256, 4 layers, 4 heads, B = 16. */
    public static LmShape reference() {
        return new LmShape(64, 128, 256, 4, 4, 16);
    }

    /** A tiny shape for tests and {@code --quick}: V = 16, T = 8, C = 16, 2 layers, 2 heads, B = 2. */
    public static LmShape quick() {
        return new LmShape(16, 8, 16, 2, 2, 2);
    }

    public LmShape withBatch(int b) {
        return new LmShape(vocab, seqLen, dModel, layers, heads, b);
    }

    public LmShape withSeqLen(int t) {
        return new LmShape(vocab, t, dModel, layers, heads, batch);
    }

    /** float32, dropout 0, maxLen = T. */
    public DecoderLMConfig config() {
        return new DecoderLMConfig(vocab, seqLen, dModel, layers, heads, 0.0, DType.FLOAT32);
    }

    /** A fresh model; the same seed gives the same weights. */
    public DecoderLM model(long seed) {
        return new DecoderLM(config(), new Rng(seed));
    }

    /** {inputs [B][T], targets [B][T]}: uniform random ids, targets = inputs shifted by one (last one random). */
    public int[][][] batch(long seed) {
        Rng r = new Rng(seed);
        int[][] in = new int[batch][seqLen + 1];
        for (int[] row : in) for (int t = 0; t <= seqLen; t++) row[t] = r.nextInt(vocab);
        int[][] x = new int[batch][], y = new int[batch][];
        for (int b = 0; b < batch; b++) {
            x[b] = java.util.Arrays.copyOfRange(in[b], 0, seqLen);
            y[b] = java.util.Arrays.copyOfRange(in[b], 1, seqLen + 1);
        }
        return new int[][][] {x, y};
    }

    /** One low-rank adapter (r = {@link #RANK}, α = {@link #ALPHA}) per site, seeded by (user, site index). */
    public static LinkedHashMap<String, AuxiliaryModel> auxiliaries(List<Site> sites, int user) {
        LinkedHashMap<String, AuxiliaryModel> m = new LinkedHashMap<>();
        for (int i = 0; i < sites.size(); i++) {
            Site s = sites.get(i);
            AuxSpec spec = AuxSpec.defaults(DType.FLOAT32, 1000L * user + i);
            spec = new AuxSpec(RANK, ALPHA, spec.hiddenSize(), spec.hiddenLayers(), spec.activation(), spec.bias(),
                    DType.FLOAT32, spec.seed());
            m.put(s.name(), AuxiliaryFactory.create(AuxiliaryKind.LOWRANK, s.inFeatures(), s.outFeatures(), spec));
        }
        return m;
    }
}
