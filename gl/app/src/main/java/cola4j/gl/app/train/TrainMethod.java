package cola4j.gl.app.train;

import cola4j.tensor.io.EnumSpelling;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * The fine-tuning method of {@code cola train}.
 * Spelled in lower case on the command line and in {@code training_state.json} (full, lora, ia3, cola, adalora,
 * prompt, prefix).
 */
public enum TrainMethod {
    /** Full fine-tuning: every base parameter trainable, ordinary backprop. */
    FULL,
    /** LoRA baseline: adapters on the server trained by backprop through the model. */
    LORA,
    /** IA3 baseline: learned scaling vectors on key, value and the MLP hidden layer. */
    IA3,
    /** ColA: frozen server, adapters fitted by Gradient Learning on the user side. */
    COLA,
    /** AdaLoRA baseline: SVD-form adapters with importance-based rank allocation, backprop on the server. */
    ADALORA,
    /** Prompt tuning baseline: trainable virtual token embeddings prepended to the input (PEFT PROMPT_TUNING). */
    PROMPT,
    /** Prefix tuning baseline: trainable key/value prefixes in every attention (PEFT PREFIX_TUNING). */
    PREFIX;

    /** True for prompt and prefix tuning (trained virtual tokens, {@code --num-virtual-tokens}). */
    public boolean virtualTokens() {
        return this == PROMPT || this == PREFIX;
    }

    /** The command-line and JSON spelling, e.g. {@code cola}. */
    @JsonValue
    public String cliName() {
        return EnumSpelling.cliName(this);
    }

    @Override
    public String toString() {
        return cliName();
    }

    /** Every spelling, in declaration order. */
    public static List<String> names() {
        return EnumSpelling.names(values());
    }

    /** The constant spelled {@code s}; IllegalArgumentException listing the choices otherwise. */
    @JsonCreator
    public static TrainMethod parse(String s) {
        return EnumSpelling.parse(values(), s, "method");
    }
}
