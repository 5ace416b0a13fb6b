package cola4j.gl.app.ftaas;

import cola4j.gl.app.workload.PretrainCache;
import cola4j.gl.app.workload.PretrainConfig;
import cola4j.gl.app.workload.PretrainResult;
import cola4j.gl.app.workload.Pretrainer;
import cola4j.gl.app.workload.Workloads;
import cola4j.models.MlpClassifier;
import cola4j.models.data.DigitsFamily;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.DType;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The base models {@code cola ftaas --model M} and {@code cola demo} can serve:
 * <ul>
 *   <li>{@code mlp}: an MLP 64 → 128 → 64 → 10 pretrained on unshifted digits (float32; {@link #digitsCached}
 *       keeps it in the pretraining cache); users fine-tune it to shifted digits ({@link DigitsTenants}; every Linear
 *       adapted);</li>
 *   <li>{@code encoder}, {@code decoder}, {@code seq2seq}: the transformer workloads of {@link Workloads} (preset
 *       {@code tiny} or {@code small}, float32), pretrained by {@link Pretrainer} on the family's pretraining mixture
 *       and cached in the {@link PretrainCache}; users fine-tune to their variants of the downstream tasks
 *       ({@link WorkloadTenants}; default sites {@link #TRANSFORMER_SITES}).</li>
 * </ul>
 */
public final class FtaasModels {
    private FtaasModels() {}

    public static final List<String> MODELS = List.of("mlp", "encoder", "decoder", "seq2seq");

    /** Default adapted sites of the transformer families (PEFT's usual LoRA target modules). */
    public static final List<String> TRANSFORMER_SITES = List.of("attn.query", "attn.value");

    /** Hidden widths of the demo MLP. */
    public static final int[] MLP_HIDDEN = {128, 64};

    /** AdamW learning rate of the digits MLP's pretraining. */
    public static final double MLP_PRETRAIN_LR = 2e-3;

    /**
     * The digits MLP workload, pretrained for {@code pretrainSteps} AdamW steps (lr 2e-3, batches of 64).
     *
     * @throws IllegalArgumentException for a model other than {@code mlp} (use {@link #transformer})
     */
    public static TenantWorkload<?> create(String model, int pretrainSteps, long seed, IntConsumer onStep) {
        if (!model.equals("mlp")) {
            throw new IllegalArgumentException("unknown model '" + model
                    + "' for the in-process pretraining; available: mlp (transformers: FtaasModels.transformer)");
        }
        return digits(pretrainSteps, seed, cola4j.models.data.DigitShift.KINDS, onStep);
    }

    /** The same digits MLP workload with users cycling over the shift kinds {@code kinds} ({@link DigitsTenants}). */
    public static DigitsTenants digits(int pretrainSteps, long seed, List<String> kinds, IntConsumer onStep) {
        DigitsFamily family = new DigitsFamily();
        MlpClassifier base = DigitsPretraining.pretrain(family, MLP_HIDDEN, DType.FLOAT32, pretrainSteps,
                MLP_PRETRAIN_LR, seed, onStep);
        return new DigitsTenants(base, family, kinds);
    }

    /**
     * The digits MLP workload of {@link #create}, its base loaded from (or saved to) {@code cache}
     * ({@link DigitsPretrainCache}): bit-identical to {@link #create}'s, without retraining on a warm cache.
     *
     * @param log cache hits and unusable entries
     */
    public static DigitsTenants digitsCached(PretrainCache cache, int pretrainSteps, long seed, IntConsumer onStep,
            PrintStream log) throws IOException {
        DigitsFamily family = new DigitsFamily();
        MlpClassifier base = DigitsPretrainCache.pretrain(cache, family, MLP_HIDDEN, DType.FLOAT32, pretrainSteps,
                MLP_PRETRAIN_LR, seed, onStep, log);
        return new DigitsTenants(base, family, cola4j.models.data.DigitShift.KINDS);
    }

    /** Whether {@link #digitsCached} finds its base in {@code cache} (an entry directory exists). */
    public static boolean digitsInCache(PretrainCache cache, int pretrainSteps, long seed) {
        return java.nio.file.Files.isDirectory(DigitsPretrainCache.entry(cache, MLP_HIDDEN, DType.FLOAT32,
                pretrainSteps, MLP_PRETRAIN_LR, seed));
    }

    /**
     * A transformer family's tenant workload (float32) on a base pretrained with {@link PretrainConfig#defaults} (or
     * that config with {@code pretrainSteps} steps when not null), loaded from {@code cache} when an entry exists.
     *
     * @param family        {@code encoder}, {@code decoder} or {@code seq2seq}
     * @param preset        {@code tiny} or {@code small}
     * @param sites         adapted site-name suffixes (e.g. {@link #TRANSFORMER_SITES})
     * @param evalExamples  held-out examples per user evaluation
     * @param log           cache hits and the pretraining progress bar
     * @throws IllegalArgumentException for an unknown family or preset, or sites that match nothing (listing the names)
     */
    public static WorkloadTenants transformer(String family, String preset, long seed, Integer pretrainSteps,
            List<String> sites, int evalExamples,
                                              PretrainCache cache, PrintStream log) throws IOException {
        if (!MODELS.contains(family) || family.equals("mlp")) {
            throw new IllegalArgumentException("unknown transformer family '" + family
                    + "'; available: encoder, decoder, seq2seq");
        }
        PretrainConfig cfg = PretrainConfig.defaults(family, preset);
        if (pretrainSteps != null) cfg = cfg.withSteps(pretrainSteps);
        PretrainResult pre = new Pretrainer(cache, log, true).run(family, preset, DType.FLOAT32, seed, cfg, false);
        return new WorkloadTenants(pre.workload(), () -> Workloads.create(family, preset, DType.FLOAT32, seed),
                SiteSelector.suffixes(sites.toArray(String[]::new)), evalExamples);
    }
}
