package cola4j.models.hf;

import cola4j.autograd.Activations;
import cola4j.autograd.Var;
import java.util.Arrays;

/**
 * The activation functions of Hugging Face's {@code ACT2FN} that the supported checkpoints use, by their config name
 * ({@code activation_function} in GPT-2 and BART, {@code hidden_act} in BERT and RoBERTa):
 * <pre>
 *   gelu                         x·Φ(x) = x·0.5·(1 + erf(x/√2))                  {@link Activations#geluErf}
 *   gelu_new, gelu_pytorch_tanh  0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))      {@link Activations#gelu}
 *   relu                         max(x, 0)                                       {@link Activations#relu}
 * </pre>
 */
public enum HfActivation {
    GELU("gelu"), GELU_NEW("gelu_new"), GELU_PYTORCH_TANH("gelu_pytorch_tanh"), RELU("relu");

    private final String configName;

    HfActivation(String configName) {
        this.configName = configName;
    }

    /** The name in config.json. */
    public String configName() {
        return configName;
    }

    /** Applies the activation elementwise; shape and dtype unchanged. */
    public Var apply(Var x) {
        return switch (this) {
            case GELU -> Activations.geluErf(x);
            case GELU_NEW, GELU_PYTORCH_TANH -> Activations.gelu(x);
            case RELU -> Activations.relu(x);
        };
    }

    /** The activation named {@code name} in config.json; an error naming the supported ones otherwise. */
    public static HfActivation of(String name) {
        for (HfActivation a : values()) if (a.configName.equals(name)) return a;
        throw new IllegalArgumentException("unsupported activation '" + name + "' (supported: "
                + Arrays.stream(values()).map(HfActivation::configName).toList() + ")");
    }
}
