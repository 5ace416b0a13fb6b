package cola4j.tensor.io;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The one spelling rule of the command-line enums (auxiliary kinds, optimizer and schedule kinds, training methods):
 * a constant is written in lower case on the command line and in JSON ({@code ADAMW} →
 * {@code adamw}), and parsing accepts exactly those spellings.
 */
public final class EnumSpelling {
    private EnumSpelling() {}

    /** The command-line and JSON spelling of {@code e}. */
    public static String cliName(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** Every spelling of {@code values}, in declaration order. */
    public static List<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(EnumSpelling::cliName).toList();
    }

    /**
     * The constant of {@code values} spelled {@code s}; IllegalArgumentException naming {@code what} and the
     * choices otherwise.
     */
    public static <E extends Enum<E>> E parse(E[] values, String s, String what) {
        for (E v : values) if (cliName(v).equals(s)) return v;
        throw new IllegalArgumentException(what + " '" + s + "' is not one of " + names(values));
    }
}
