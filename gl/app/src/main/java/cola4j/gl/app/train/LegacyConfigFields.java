package cola4j.gl.app.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@link TrainConfig} fields that earlier versions of {@code training_state.json} did not write, and the value
 * each reads as when absent: the value that gives the run those versions trained (their only meaning). Checkpoint
 * formats in git history (all with manifest format version 1):
 * <pre>
 *   4b85b9e  22 fields: model … eval_examples         (no fit_epochs, fit_batch, staleness)
 *   501a466  + fit_epochs, fit_batch, staleness       (absent: 1, 0, 0: one Gradient-Learning pass, no staleness)
 *   3c64fbf  + lora_variant                           (absent: "lora", plain LoRA)
 *   73b30f3  + adalora                                (absent: null, i.e. not an AdaLoRA run)
 *   23a6dfa  + virtual_tokens, prefix_hidden          (absent: 0, 0: not a prompt/prefix run)
 * </pre>
 * Only these seven may be absent; every other field is still required (the reader stays strict), and the filled-in
 * config then passes the same command-line rules as any other ({@link CheckpointAudit}). The manifest is verified
 * before this runs, so a file that was edited after it was written is refused, old format or not.
 */
final class LegacyConfigFields {
    private LegacyConfigFields() {}

    /** Field name → the JSON value it reads as when absent (insertion order = the order the fields were added). */
    static final Map<String, JsonNode> DEFAULTS = defaults();

    private static Map<String, JsonNode> defaults() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Map<String, JsonNode> m = new LinkedHashMap<>();
        m.put("fit_epochs", f.numberNode(1));
        m.put("fit_batch", f.numberNode(0));
        m.put("staleness", f.numberNode(0));
        m.put("lora_variant", f.textNode("lora"));
        m.put("adalora", f.nullNode());
        m.put("virtual_tokens", f.numberNode(0));
        m.put("prefix_hidden", f.numberNode(0));
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Adds each absent legacy field of {@code state}'s {@code config} object with its default (in place); anything
     * else (no config, a config that is not an object) is left for the strict reader to refuse.
     */
    static void fill(JsonNode state) {
        if (state == null || !(state.get("config") instanceof ObjectNode cfg)) return;
        DEFAULTS.forEach((name, value) -> {
            if (!cfg.has(name)) cfg.set(name, value);
        });
    }
}
