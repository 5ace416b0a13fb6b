package cola4j.models.hf;

import java.nio.file.Path;
import java.util.List;

/**
 * A loaded Hugging Face directory.
 *
 * @param dir         the directory (what {@code base_model_name_or_path} should name)
 * @param model       the model, every parameter from the checkpoint except {@code initialized}
 * @param initialized parameters the checkpoint lacked and the loader initialized as transformers does (only a
 *                    missing BERT/RoBERTa classification head: N(0, initializer_range²) weights, zero biases)
 * @param unused      checkpoint tensors the model does not use (e.g. GPT-2's causal-mask buffers {@code attn.bias},
 *                    a tied {@code lm_head.weight}, RoBERTa's masked-LM head), as named in the file
 */
public record HfCheckpoint(Path dir, HfModel model, List<String> initialized, List<String> unused) {
    public HfCheckpoint {
        initialized = List.copyOf(initialized);
        unused = List.copyOf(unused);
    }
}
