package cola4j.models;

/** Validation shared by the config records. */
final class Configs {
    private Configs() {}

    /** Pairs of (name, value): every value must be positive. */
    static void positive(String what, Object... nameValue) {
        for (int i = 0; i < nameValue.length; i += 2) {
            int v = (Integer) nameValue[i + 1];
            if (v <= 0) throw new IllegalArgumentException(what + ": " + nameValue[i] + " must be positive, got " + v);
        }
    }

    static void heads(String what, int dModel, int heads) {
        if (dModel % heads != 0) {
            throw new IllegalArgumentException(what + ": dModel " + dModel + " is not divisible by heads " + heads);
        }
    }

    static void dropout(String what, double p) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException(what + ": dropout " + p + " outside [0, 1)");
    }
}
