package cola4j.models;

import cola4j.autograd.Var;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Anything with trainable or frozen parameters: layers, models, auxiliary models.
 * Parameter names are hierarchical and stable ({@code blocks.0.attn.query.weight}); checkpoints are keyed by them.
 */
public interface Module {
    /** Parameters in a stable, documented order, keyed by hierarchical name. */
    LinkedHashMap<String, Var> namedParameters();

    /** Prefixes every name of {@code child} with {@code prefix + "."} and adds it to {@code into}. */
    static void addChild(Map<String, Var> into, String prefix, Module child) {
        child.namedParameters().forEach((k, v) -> into.put(prefix + "." + k, v));
    }

    /** Total number of parameter elements. */
    default long parameterCount() {
        return namedParameters().values().stream().mapToLong(v -> v.value().numel()).sum();
    }

    /**
     * Makes every parameter of this module trainable ({@link Var#param}) or frozen ({@link Var#constant}).
     * The parameter tensors themselves are kept (the same storage is re-wrapped), so values, merges and
     * optimizer state that refers to tensors survive; the {@link Var} objects are new, so call
     * {@link #namedParameters()} again after changing trainability. A forward and backward through a fully
     * frozen module allocates no parameter gradient. Modules that cannot be frozen throw
     * {@link UnsupportedOperationException}.
     */
    default void setTrainable(boolean trainable) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not support setTrainable");
    }

    /** {@code setTrainable(false)}: all parameters become constants of the graph. */
    default void freeze() {
        setTrainable(false);
    }
}
