package cola4j.gl.ftaas;

import cola4j.models.site.Site;
import java.util.Arrays;
import java.util.List;

/**
 * The auxiliary model a user adapts with, per site (in, out features; h the hidden width of {@link #MLP}):
 * <pre>
 *   LOWRANK  g(x) = (α/r)·B·A·x     A [r, in], B [out, r] (LoRA; α = r); an embedding site gets the ids-reading variant
 *   LINEAR   g(x) = W·x + b         W [out, in], b [out] iff the site has a bias (full-rank, mergeable)
 *   MLP      g(x) = W₂·relu(W₁·x + b₁) + b₂   W₁ [h, in], W₂ [out, h] (biases iff the site has one); not mergeable
 * </pre>
 */
public enum AuxType {
    LOWRANK("lowrank"),
    LINEAR("linear"),
    MLP("mlp");

    private final String cliName;

    AuxType(String cliName) {
        this.cliName = cliName;
    }

    /** The name on the command line and in reports ({@code lowrank}, {@code linear}, {@code mlp}). */
    public String cliName() {
        return cliName;
    }

    /** Whether g is linear in x, so ΔW (and Δb) can be merged into the base weights. */
    public boolean mergeable() {
        return this != MLP;
    }

    /** The {@link cola4j.gl.auxiliary.AuxiliaryFactory} type name at {@code site}. */
    public String factoryName(Site site) {
        return this == LOWRANK && site.kind() == Site.Kind.EMBEDDING ? "embedding" : cliName;
    }

    /** The names accepted by {@link #parse}. */
    public static List<String> names() {
        return Arrays.stream(values()).map(AuxType::cliName).toList();
    }

    /** {@code lowrank} / {@code linear} / {@code mlp}; IllegalArgumentException naming the accepted ones otherwise. */
    public static AuxType parse(String s) {
        for (AuxType t : values()) if (t.cliName.equals(s)) return t;
        throw new IllegalArgumentException("auxiliary type '" + s + "' is not one of " + String.join(", ", names()));
    }

    @Override
    public String toString() {
        return cliName;
    }
}
