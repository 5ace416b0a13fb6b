package cola4j.gl.ftaas;

import cola4j.models.MlpClassifier;
import cola4j.models.data.DigitsFamily;
import cola4j.tensor.DType;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The base models {@code cola ftaas --model M} and {@code cola demo} can serve. Today: {@code mlp} (an MLP
 * 64 → 128 → 64 → 10 pretrained on unshifted digits, float32; users fine-tune it to shifted digits). The
 * transformer families plug in through {@link TenantWorkload} once their workloads expose an evaluation with an
 * interceptor.
 */
public final class FtaasModels {
    private FtaasModels() {}

    public static final List<String> MODELS = List.of("mlp");

    /** Hidden widths of the demo MLP. */
    public static final int[] MLP_HIDDEN = {128, 64};

    /**
     * The workload of {@code model}, pretrained for {@code pretrainSteps} AdamW steps (lr 2e-3, batches of 64).
     *
     * @throws IllegalArgumentException for an unknown model name (listing {@link #MODELS})
     */
    public static TenantWorkload<?> create(String model, int pretrainSteps, long seed, IntConsumer onStep) {
        if (!model.equals("mlp")) throw new IllegalArgumentException("unknown model '" + model + "'; available: " + String.join(", ", MODELS));
        DigitsFamily family = new DigitsFamily();
        MlpClassifier base = DigitsPretraining.pretrain(family, MLP_HIDDEN, DType.FLOAT32, pretrainSteps, 2e-3, seed, onStep);
        return new DigitsTenants(base, family);
    }
}
