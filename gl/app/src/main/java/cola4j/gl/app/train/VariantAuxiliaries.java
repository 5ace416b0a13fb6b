package cola4j.gl.app.train;

import cola4j.gl.auxiliary.AuxSpec;
import cola4j.gl.auxiliary.AuxiliaryFactory;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.auxiliary.DoraAux;
import cola4j.gl.auxiliary.LoraVariant;
import cola4j.gl.auxiliary.LowRankAux;
import cola4j.gl.auxiliary.LowRankConfig;
import cola4j.gl.auxiliary.Pissa;
import cola4j.gl.auxiliary.RsLora;
import cola4j.models.site.Site;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The adapters of a lora/cola run for its {@code --lora-variant} ({@link TrainConfig#loraVariant}), site i seeded
 * {@code StepSeeds.seed(seed, AUXILIARY_INIT, i)} (the public methods build {@code cola copra}'s the same way):
 * <ul>
 *   <li>lora: {@link AuxiliaryFactory} (every {@code --aux});</li>
 *   <li>rslora: {@link RsLora#create}, s = α/√r, LoRA's init;</li>
 *   <li>pissa: {@link Pissa#init} from the site's W0 (s = α/r); {@link #prepareBase} then leaves
 *       W_res = W0 − s·B0·A0 in the site, on the server's model for cola and the trained model for lora;</li>
 *   <li>dora: {@link DoraAux} over the site's W0 (PEFT's detached norm, s = α/r). In cola the user is given W0 of each
 *       site: DoRA's g is not a function of (x, w) alone (docs/cola.md §10).</li>
 * </ul>
 * The adapters are built from the W0 copies taken by {@link #baseWeights} before anything changes the sites, so
 * building twice (the stale trainer's served copy) gives the same adapters and PiSSA never subtracts twice.
 */
public final class VariantAuxiliaries {
    private VariantAuxiliaries() {}

    /** W0 [out, in] of every site (copies), taken before PiSSA or a merge changes them; empty for lora/rslora. */
    static Map<String, Tensor> baseWeights(List<Site> sites, TrainConfig c) {
        return baseWeights(sites, c.loraVariant());
    }

    /** {@link #baseWeights(List, TrainConfig)} for variant v (also {@code cola copra}). */
    public static Map<String, Tensor> baseWeights(List<Site> sites, LoraVariant v) {
        Map<String, Tensor> w0 = new LinkedHashMap<>();
        if (v == LoraVariant.PISSA || v == LoraVariant.DORA) {
            for (Site s : sites) w0.put(s.name(), s.weight().copy());
        }
        return w0;
    }

    /** One adapter per site in site order (see the class comment); w0 from {@link #baseWeights}. */
    static LinkedHashMap<String, AuxiliaryModel> create(List<Site> sites, TrainConfig c, Map<String, Tensor> w0) {
        AuxSpec spec = MethodSetup.auxSpec(c);
        LinkedHashMap<String, AuxiliaryModel> m = new LinkedHashMap<>();
        for (int i = 0; i < sites.size(); i++) {
            Site s = sites.get(i);
            AuxSpec si = spec.withSeed(StepSeeds.seed(c.seed(), StepSeeds.AUXILIARY_INIT, i));
            m.put(s.name(), create(c.loraVariant(), c.aux(), s, si, w0));
        }
        return m;
    }

    /**
     * The adapter of variant v at site s from spec {@code si} (rank, α, dtype, seed); {@code aux} is used by plain
     * lora only (every other variant is low-rank); w0 from {@link #baseWeights} (pissa, dora). Shared by
     * {@code cola train} and {@code cola copra}.
     */
    public static AuxiliaryModel create(LoraVariant v, AuxiliaryKind aux, Site s, AuxSpec si, Map<String, Tensor> w0) {
        LowRankConfig lr = si.lowRank();
        int in = s.inFeatures(), out = s.outFeatures();
        return switch (v) {
            case LORA -> AuxiliaryFactory.create(aux, in, out, si);
            case RSLORA -> RsLora.create(in, out, lr);
            case PISSA -> Pissa.init(w0.get(s.name()), lr).aux();
            case DORA -> new DoraAux(w0.get(s.name()), lr);
        };
    }

    /**
     * PiSSA: replaces each site's weight by W_res = W0 − s·B0·A0 ({@code initial}: the adapters as built,
     * before any step); nothing for the other variants.
     */
    static void prepareBase(List<Site> sites, TrainConfig c, Map<String, AuxiliaryModel> initial) {
        prepareBase(sites, c.loraVariant(), initial);
    }

    /** {@link #prepareBase(List, TrainConfig, Map)} for variant v. */
    public static void prepareBase(List<Site> sites, LoraVariant v, Map<String, AuxiliaryModel> initial) {
        if (v != LoraVariant.PISSA) return;
        for (Site s : sites) s.subtractDelta(initial.get(s.name()).deltaWeight(), null);
    }

    /** Copies of PiSSA's initial factors per site (what the PEFT conversion to LoRA subtracts); empty otherwise. */
    static LinkedHashMap<String, LowRankAux> initialCopies(TrainConfig c, Map<String, AuxiliaryModel> aux) {
        return initialCopies(c.loraVariant(), aux);
    }

    /** {@link #initialCopies(TrainConfig, Map)} for variant v. */
    public static LinkedHashMap<String, LowRankAux> initialCopies(LoraVariant v, Map<String, AuxiliaryModel> aux) {
        LinkedHashMap<String, LowRankAux> m = new LinkedHashMap<>();
        if (v != LoraVariant.PISSA) return m;
        aux.forEach((site, a) -> {
            LowRankAux l = (LowRankAux) a;
            var p = l.namedParameters();
            m.put(site, new LowRankAux(l.inFeatures(), l.outFeatures(), l.config(), l.scale(),
                    p.get("lora_A.weight").value(), p.get("lora_B.weight").value()));
        });
        return m;
    }
}
