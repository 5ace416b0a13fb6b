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
}
