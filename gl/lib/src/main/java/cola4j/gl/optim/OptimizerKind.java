package cola4j.gl.optim;

import cola4j.tensor.io.EnumSpelling;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * The optimizer of {@code cola train}; see {@code MethodSetup#optimizerFactory} for the settings each one uses.
 * Spelled in lower case on the command line and in {@code training_state.json} (sgd, adam, adamw).
 */
public enum OptimizerKind {
    /** Plain SGD (no momentum, no weight decay). */
    SGD,
    /** Adam with PyTorch's defaults. */
    ADAM,
    /** AdamW with PyTorch's defaults (decoupled weight decay 0.01). */
    ADAMW;

    /** The command-line and JSON spelling, e.g. {@code adamw}. */
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
    public static OptimizerKind parse(String s) {
        return EnumSpelling.parse(values(), s, "optimizer");
    }
}
