package cola4j.gl.verify;

import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.autograd.Var;
import cola4j.gl.auxiliary.AuxSpec;
import cola4j.gl.auxiliary.AuxiliaryFactory;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.cola.LossFunction;
import cola4j.gl.optim.AdamConfig;
import cola4j.gl.optim.AdamW;
import cola4j.gl.optim.LrSchedule;
import cola4j.gl.optim.Optimizer;
import cola4j.gl.optim.Sgd;
import cola4j.gl.optim.SgdConfig;
import cola4j.models.DecoderLM;
import cola4j.models.DecoderLMConfig;
import cola4j.models.site.Site;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;

/**
 * The small, fully random setting the propositions run on: the {@code tiny} decoder LM (vocab 11, d = 8, 2 layers,
 * 2 heads, dropout off), random token batches with some ignored (−100) targets, and adapters on the query, value,
 * first MLP layer and LM head of every block. Everything is derived from one seed.
 *
 * @param dtype float64 for the equivalence claims; float32 to show the error one should expect
 * @param seed  the seed of the model, the data and the adapters
 */
public record Fixture(DType dtype, long seed) {
    /** Batch rows and sequence length. */
    public static final int B = 4, T = 6;

    /** Adapted sites of the trajectory propositions. */
    public static final SiteSelector SITES = SiteSelector.suffixes("attn.query", "attn.value", "mlp.fc1", "lm_head");

    /** A fresh base model (same seed, same weights). */
    public DecoderLM model() {
        return new DecoderLM(DecoderLMConfig.tiny().withDtype(dtype).withDropout(0.0), new Rng(seed));
    }

    /** Batch {@code k}: random inputs and targets, every third target ignored. */
    public int[][][] batch(int k, int rows) {
        Rng r = new Rng(seed * 1_000_003L + 17L * k + 1);
        int v = DecoderLMConfig.tiny().vocabSize();
        int[][] in = new int[rows][T], tg = new int[rows][T];
        for (int b = 0; b < rows; b++) {
            for (int t = 0; t < T; t++) {
                in[b][t] = r.nextInt(v);
                tg[b][t] = (b + t) % 3 == 2 ? -100 : r.nextInt(v);
            }
        }
        return new int[][][] {in, tg};
    }

    /** The one site of {@code m} named {@code name} (exactly), as the walk-throughs adapt it. */
    public static List<Site> site(DecoderLM m, String name) {
        return m.sites(SiteSelector.regex(java.util.regex.Pattern.quote(name)));
    }

    /** The mean next-token loss of batch {@code k} (all {@link #B} rows). */
    public LossFunction loss(DecoderLM m, int k) {
        int[][][] b = batch(k, B);
        return ctx -> m.loss(b[0], b[1], ctx);
    }

    public List<Site> sites(DecoderLM m) {
        return m.sites(SITES);
    }

    /**
     * One auxiliary of exactly {@code type} ({@link AuxiliaryFactory#create}) per site, deterministic in (seed, user,
     * site index); nothing is substituted: at an embedding site "lowrank" is a plain LowRank on the one-hot input
     * and "embedding" the embedding adapter on token ids. With {@code randomize} every parameter is replaced by
     * N(0, 0.1²) so that no gradient is trivially zero.
     */
    public LinkedHashMap<String, cola4j.gl.auxiliary.AuxiliaryModel> auxiliaries(List<Site> sites, AuxiliaryKind type,
                                                                                 int user, boolean randomize) {
        LinkedHashMap<String, AuxiliaryModel> m = new LinkedHashMap<>();
        for (int i = 0; i < sites.size(); i++) {
            Site s = sites.get(i);
            long sd = seed * 7919L + user * 104729L + i;
            AuxSpec spec = new AuxSpec(2, 4.0, 6, 1, cola4j.gl.auxiliary.Activation.TANH, s.bias() != null, dtype, sd);
            AuxiliaryModel a = AuxiliaryFactory.create(type, s.inFeatures(), s.outFeatures(), spec);
            if (randomize) {
                Rng r = new Rng(sd + 31);
                for (Var p : a.namedParameters().values()) p.setValue(r.normal(dtype, 0, 0.1, p.value().shape()));
            }
            m.put(s.name(), a);
        }
        return m;
    }

    /** SGD with momentum 0.9, Nesterov, weight decay 0.01, lr 0.05. */
    public static Function<LinkedHashMap<String, Var>, Optimizer> sgd() {
        return p -> new Sgd(p, new SgdConfig(0.05, 0.9, 0.0, 0.01, true));
    }

    /** AdamW (lr 0.01, weight decay 0.01). */
    public static Function<LinkedHashMap<String, Var>, Optimizer> adamW() {
        return p -> new AdamW(p, AdamConfig.adamW(0.01));
    }

    /** Linear warm-up over 3 steps then linear decay to 0 at {@code steps}, peak 0.01. */
    public static LrSchedule schedule(int steps) {
        return LrSchedule.linearWarmupDecay(0.01, 3, steps);
    }
}
