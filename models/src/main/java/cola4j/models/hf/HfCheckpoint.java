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
 * @param unused      checkpoint tensors the model does not use (e.g. a tied {@code lm_head.weight}, RoBERTa's
 *                    masked-LM head, and every integer/BOOL buffer: GPT-2's causal masks {@code attn.bias} and
 *                    {@code attn.masked_bias}, I64 {@code position_ids}, {@code token_type_ids}), as named in the file:
 *                    the float ones first, then the integer/BOOL ones, each in file order
 */
public record HfCheckpoint(Path dir, HfModel model, List<String> initialized, List<String> unused) {
    public HfCheckpoint {
        initialized = List.copyOf(initialized);
        unused = List.copyOf(unused);
    }
}
