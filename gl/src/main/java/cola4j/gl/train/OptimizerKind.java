package cola4j.gl.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

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
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return cliName();
    }

    /** Every spelling, in declaration order. */
    public static List<String> names() {
        return Arrays.stream(values()).map(OptimizerKind::cliName).toList();
    }

    /** The constant spelled {@code s}; IllegalArgumentException listing the choices otherwise. */
    @JsonCreator
    public static OptimizerKind parse(String s) {
        for (OptimizerKind v : values()) if (v.cliName().equals(s)) return v;
        throw new IllegalArgumentException("optimizer '" + s + "' is not one of " + names());
    }
}
