package cola4j.gl.app.train;

import java.nio.file.Path;
import java.util.List;

/**
 * What an exported adapter records about the base model it was trained on: the fields of PEFT's
 * {@code adapter_config.json} that depend on the base rather than on the adapter.
 *
 * @param nameOrPath  PEFT's {@code base_model_name_or_path}: the absolute directory the base weights were loaded from
 *                    (the pretrain cache entry of a preset, holding {@code config.json} + {@code model.safetensors};
 *                    an {@code hf:DIR} model's DIR), or null when the base was never saved (library use, tests)
 * @param taskType    PEFT's {@code task_type}: SEQ_CLS (classifier), CAUSAL_LM (decoder), SEQ_2_SEQ_LM
 *                    (encoder-decoder), or null (a model family PEFT has no task type for, e.g. cola4j's MLP)
 * @param fanInFanOut PEFT's {@code fan_in_fan_out}: true when the adapted base layers store their weight as
 *                    [in, out] (GPT-2's {@code Conv1D}); false for {@code nn.Linear}'s [out, in], which is every
 *                    cola4j preset layer
 */
public record AdapterBase(String nameOrPath, String taskType, boolean fanInFanOut) {
    /** The task types PEFT defines that cola4j's families map onto. */
    public static final List<String> TASK_TYPES = List.of("SEQ_CLS", "CAUSAL_LM", "SEQ_2_SEQ_LM");

    public AdapterBase {
        if (nameOrPath != null && nameOrPath.isBlank()) {
            throw new IllegalArgumentException("adapter base: base_model_name_or_path must not be blank");
        }
        if (taskType != null && !TASK_TYPES.contains(taskType)) {
            throw new IllegalArgumentException("adapter base: task_type '" + taskType + "' is not one of "
                    + TASK_TYPES);
        }
    }

    /** A preset base loaded from {@code dir} (a pretrain cache entry): Linear layers, the family's task type. */
    public static AdapterBase ofPresetDirectory(Path dir, String family) {
        return new AdapterBase(dir.toAbsolutePath().normalize().toString(), taskTypeOf(family), false);
    }

    /** A base whose weights were never saved: no path, the family's task type, [out, in] layers. */
    public static AdapterBase unsaved(String family) {
        return new AdapterBase(null, taskTypeOf(family), false);
    }

    /** encoder → SEQ_CLS, decoder → CAUSAL_LM, seq2seq → SEQ_2_SEQ_LM, anything else → null. */
    public static String taskTypeOf(String family) {
        return switch (family) {
            case "encoder" -> "SEQ_CLS";
            case "decoder" -> "CAUSAL_LM";
            case "seq2seq" -> "SEQ_2_SEQ_LM";
            default -> null;
        };
    }
}
