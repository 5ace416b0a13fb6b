package cola4j.gl.auxiliary;

/** Builds an auxiliary model of a given {@link AuxiliaryKind}. */
public final class AuxiliaryFactory {
    private AuxiliaryFactory() {}

    /**
     * A fresh auxiliary of {@code kind} for a site with {@code in} inputs (num_embeddings for {@code EMBEDDING})
     * and {@code out} outputs.
     */
    public static AuxiliaryModel create(AuxiliaryKind kind, int in, int out, AuxSpec spec) {
        if (kind == null) throw new IllegalArgumentException("auxiliary kind is null: expected one of "
                + AuxiliaryKind.names());
        return switch (kind) {
            case LOWRANK -> new LowRankAux(in, out, spec.lowRank());
            case LINEAR -> new LinearAux(in, out, spec.linear());
            case MLP -> new MlpAux(in, out, spec.mlp());
            case EMBEDDING -> new EmbeddingLowRankAux(in, out, spec.lowRank());
        };
    }
}
