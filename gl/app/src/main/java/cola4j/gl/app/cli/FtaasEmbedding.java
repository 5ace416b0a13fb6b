package cola4j.gl.app.cli;

import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.ftaas.TenantWorkload;
import cola4j.gl.app.ftaas.UserPattern;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.models.site.Site;
import cola4j.tensor.io.EnumSpelling;
import java.util.EnumSet;
import java.util.List;

/**
 * {@code cola ftaas --aux embedding}: a user who chooses {@code embedding} gets the low-rank auxiliary on token ids
 * (PEFT's embedding LoRA, {@link cola4j.gl.auxiliary.EmbeddingLowRankAux}) at token-embedding sites. Its
 * {@link cola4j.gl.app.ftaas.UserSpec} holds {@code lowrank}, which {@link AuxiliaryKind#at} builds as
 * {@code embedding} at an embedding site; so every adapted site must be an embedding site (default sites
 * {@code embed.token} when every user chose embedding), else a usage error. The mlp has no embedding site.
 */
final class FtaasEmbedding {
    private FtaasEmbedding() {}

    /** The default sites of a session whose users all chose embedding. */
    static final List<String> DEFAULT_SITES = List.of("embed.token");

    /** The {@code --aux} words: lowrank, linear, mlp or embedding each. */
    static List<AuxiliaryKind> parse(String pattern) {
        return UserPattern.words(pattern,
                s -> EnumSpelling.parse(AuxiliaryKind.CLI_CHOICES.toArray(new AuxiliaryKind[0]), s, "aux"));
    }

    /** True if some user chose embedding. */
    static boolean chosen(List<AuxiliaryKind> aux) {
        return aux.contains(AuxiliaryKind.EMBEDDING);
    }

    /** The users' kinds with embedding as lowrank (what {@link cola4j.gl.app.ftaas.UserSpec} holds). */
    static List<AuxiliaryKind> asUserChoices(List<AuxiliaryKind> aux) {
        return aux.stream().map(k -> k == AuxiliaryKind.EMBEDDING ? AuxiliaryKind.LOWRANK : k).toList();
    }

    /** Usage errors before the model is built: the mlp has no token-embedding site. */
    static void requireModel(List<AuxiliaryKind> aux, boolean mlp) {
        if (chosen(aux) && mlp) {
            throw new UsageException("--aux embedding needs a transformer model (token-embedding sites); the mlp has"
                    + " none");
        }
    }

    /** The default sites: embed.token when every user chose embedding, else {@code dflt}. */
    static List<String> defaultSites(List<AuxiliaryKind> aux, List<String> dflt) {
        return EnumSet.copyOf(aux).equals(EnumSet.of(AuxiliaryKind.EMBEDDING)) ? DEFAULT_SITES : dflt;
    }

    /** After the model is built: with an embedding user, every adapted site must be an embedding site. */
    static void requireSites(List<AuxiliaryKind> aux, TenantWorkload<?> w) {
        if (!chosen(aux)) return;
        for (Site s : w.adaptedSites(w.base())) {
            if (s.kind() != Site.Kind.EMBEDDING) {
                throw new UsageException("--aux embedding: site " + s.name() + " is linear; embedding auxiliaries"
                        + " adapt token-embedding sites only (--sites embed.token)");
            }
        }
    }
}
