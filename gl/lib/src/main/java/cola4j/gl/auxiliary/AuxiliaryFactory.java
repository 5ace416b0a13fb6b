package cola4j.gl.auxiliary;

import java.util.List;
import java.util.Locale;

/** Builds an auxiliary model from its type name: {@code lowrank}, {@code linear}, {@code mlp}, {@code embedding}. */
public final class AuxiliaryFactory {
    private AuxiliaryFactory() {}

    /** The accepted type names. */
    public static final List<String> TYPES = List.of("lowrank", "linear", "mlp", "embedding");

    /**
     * A fresh auxiliary of the named type for a site with {@code in} inputs (num_embeddings for {@code embedding})
     * and {@code out} outputs.
     *
     * @throws IllegalArgumentException for an unknown type name (listing the accepted ones)
     */
    public static AuxiliaryModel create(String type, int in, int out, AuxSpec spec) {
        String t = type == null ? "" : type.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "lowrank" -> new LowRankAux(in, out, spec.lowRank());
            case "linear" -> new LinearAux(in, out, spec.linear());
            case "mlp" -> new MlpAux(in, out, spec.mlp());
            case "embedding" -> new EmbeddingLowRankAux(in, out, spec.lowRank());
            default -> throw new IllegalArgumentException("unknown auxiliary type '" + type + "': expected one of " + TYPES);
        };
    }
}
