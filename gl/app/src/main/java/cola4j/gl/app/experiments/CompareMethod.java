package cola4j.gl.app.experiments;

import cola4j.gl.app.command.UsageException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of {@code cola compare}: a name and the {@code cola train} options that select the method. The rows are
 * derived from what the train program accepts, so a method or LoRA variant added there appears here too:
 * <pre>
 *   every --method m       → row m (ColA: two rows, "cola" unmerged and "cola-merged" with --merged)
 *   every --lora-variant v → rows "lora-v" (--method lora --lora-variant v) and "cola-v" (--method cola ...),
 *                            for v ≠ lora, when the train program has that option
 * </pre>
 * A row whose options the train program or the model refuses (IA3 on the MLP, a variant ColA cannot take) is
 * reported as not applicable with the reason, never silently dropped.
 *
 * @param name      the row's name, e.g. {@code cola-merged}
 * @param trainArgs the {@code cola train} options of the method, e.g. {@code [--method, cola, --merged]}
 */
public record CompareMethod(String name, List<String> trainArgs) {
    /** The ColA row in merged mode. */
    public static final String COLA_MERGED = "cola-merged";

    public CompareMethod {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("compare method: name is required");
        trainArgs = List.copyOf(trainArgs);
    }

    /**
     * The rows for the train program's method names and LoRA variant names (empty when it has no
     * {@code --lora-variant} option), in that order.
     */
    public static List<CompareMethod> discover(List<String> methods, List<String> loraVariants) {
        List<CompareMethod> out = new ArrayList<>();
        for (String m : methods) {
            out.add(new CompareMethod(m, List.of("--method", m)));
            if (m.equals("cola")) out.add(new CompareMethod(COLA_MERGED, List.of("--method", "cola", "--merged")));
        }
        for (String v : loraVariants) {
            if (v.equals("lora")) continue;
            for (String m : List.of("lora", "cola")) {
                if (methods.contains(m)) {
                    out.add(new CompareMethod(m + "-" + v, List.of("--method", m, "--lora-variant", v)));
                }
            }
        }
        return out;
    }

    /**
     * The rows named in {@code --methods a,b,...} (in the order given), each one of {@code known}; a usage error for
     * an empty, unknown or repeated name.
     */
    public static List<CompareMethod> select(String value, List<CompareMethod> known) {
        Map<String, CompareMethod> byName = new LinkedHashMap<>();
        for (CompareMethod m : known) byName.put(m.name(), m);
        Map<String, CompareMethod> out = new LinkedHashMap<>();
        for (String n : value.split(",", -1)) {
            if (n.isBlank()) throw new UsageException("--methods: empty method name in '" + value + "'");
            CompareMethod m = byName.get(n.trim());
            if (m == null) {
                throw new UsageException("--methods: unknown method '" + n.trim() + "'; available: "
                        + String.join(", ", byName.keySet()));
            }
            if (out.put(m.name(), m) != null) {
                throw new UsageException("--methods: method '" + m.name() + "' given twice in '" + value + "'");
            }
        }
        return List.copyOf(out.values());
    }
}
