package cola4j.gl.auxiliary;

import cola4j.tensor.io.EnumSpelling;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * The auxiliary (adapter) type of {@code cola train --method lora|cola}: a subset of {@link cola4j.gl.auxiliary.AuxiliaryFactory#TYPES}.
 * Spelled in lower case on the command line and in {@code training_state.json} (lowrank, linear, mlp).
 */
public enum AdapterType {
    /** LowRank: s·B·A, A [r, in], B [out, r] zeros. */
    LOWRANK,
    /** Full-rank linear: W [out, in] (+ bias), zeros. */
    LINEAR,
    /** MLP auxiliary (not mergeable). */
    MLP;

    /** The command-line and JSON spelling, e.g. {@code lowrank}. */
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
    public static AdapterType parse(String s) {
        return EnumSpelling.parse(values(), s, "aux");
    }
}
