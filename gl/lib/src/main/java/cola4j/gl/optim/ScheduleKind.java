package cola4j.gl.optim;

import cola4j.tensor.io.EnumSpelling;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * The learning-rate schedule of {@code cola train} over its optimizer updates.
 * Spelled in lower case on the command line and in {@code training_state.json} (constant, linear, cosine).
 */
public enum ScheduleKind {
    /** The peak rate throughout. */
    CONSTANT,
    /** Linear warm-up, then linear decay to 0. */
    LINEAR,
    /** Linear warm-up, then half a cosine to 0. */
    COSINE;

    /** The command-line and JSON spelling, e.g. {@code cosine}. */
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
    public static ScheduleKind parse(String s) {
        return EnumSpelling.parse(values(), s, "schedule");
    }
}
