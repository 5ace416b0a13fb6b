package cola4j.gl.auxiliary;

import cola4j.models.site.Site;
import cola4j.tensor.io.EnumSpelling;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * The kinds of auxiliary model g_w (ColA's word; "adapter" is kept for the PEFT file format only). Spelled in lower
 * case on the command line and in JSON ({@code lowrank}, {@code linear}, {@code mlp}, {@code embedding}).
 * {@link AuxiliaryFactory#create} builds one; {@link AuxiliaryModel#kind()} tells which one a model is.
 */
public enum AuxiliaryKind {
    /** Low-rank: g(x) = s·x·Aᵀ·Bᵀ, A [r, in] random, B [out, r] zeros, s = α / r (LoRA's form). Mergeable. */
    LOWRANK,
    /** Full-rank linear: g(x) = x·Wᵀ (+ b), W [out, in] zeros. Mergeable. */
    LINEAR,
    /** MLP: in → hidden (→ hidden)* → out with a nonlinearity. Not mergeable. */
    MLP,
    /** Low-rank on token ids at an embedding site: g(ids) = s·B·A[:, ids] (PEFT's embedding LoRA). Mergeable. */
    EMBEDDING;

    /** The kinds a user chooses for its sites ({@code --aux}); {@link #EMBEDDING} is what LOWRANK becomes there. */
    public static final List<AuxiliaryKind> USER_CHOICES = List.of(LOWRANK, LINEAR, MLP);

    /**
     * The kinds {@code cola train --aux} and {@code cola ftaas --aux} accept: the {@link #USER_CHOICES} plus
     * {@link #EMBEDDING}, which asks for token-embedding sites only (PEFT's embedding LoRA).
     */
    public static final List<AuxiliaryKind> CLI_CHOICES = List.of(LOWRANK, LINEAR, MLP, EMBEDDING);

    /** True if g_w is linear in x and so can be folded into the base weights (W ← W + ΔW). */
    public boolean mergeable() {
        return this != MLP;
    }

    /** The kind built at {@code site} for a user who chose this kind: low-rank reads token ids at embedding sites. */
    public AuxiliaryKind at(Site site) {
        return at(site.kind());
    }

    /** As {@link #at(Site)} for a site of kind {@code kind}. */
    public AuxiliaryKind at(Site.Kind kind) {
        return this == LOWRANK && kind == Site.Kind.EMBEDDING ? EMBEDDING : this;
    }

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

    /** The spellings of {@link #USER_CHOICES}. */
    public static List<String> userChoiceNames() {
        return USER_CHOICES.stream().map(AuxiliaryKind::cliName).toList();
    }

    /** One of {@link #USER_CHOICES} spelled {@code s}; IllegalArgumentException listing them otherwise. */
    public static AuxiliaryKind parseUserChoice(String s) {
        return EnumSpelling.parse(USER_CHOICES.toArray(new AuxiliaryKind[0]), s, "aux");
    }

    /** The constant spelled {@code s}; IllegalArgumentException listing the choices otherwise. */
    @JsonCreator
    public static AuxiliaryKind parse(String s) {
        return EnumSpelling.parse(values(), s, "auxiliary kind");
    }
}
