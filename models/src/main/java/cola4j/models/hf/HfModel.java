package cola4j.models.hf;

import cola4j.autograd.Var;
import cola4j.models.ForwardContext;
import cola4j.models.Model;
import java.util.Set;

/**
 * A model loaded from a Hugging Face directory ({@link HfLoader}). Its {@link #sites()} are named by the Hugging
 * Face module names of the full model class ({@code transformer.h.0.attn.c_attn} in {@code GPT2LMHeadModel},
 * {@code bert.encoder.layer.0.attention.self.query} in {@code BertForSequenceClassification},
 * {@code model.encoder.layers.0.self_attn.q_proj} in {@code BartForConditionalGeneration}), so a PEFT
 * {@code target_modules} list selects the same modules; its {@link #namedParameters()} are the checkpoint's tensor
 * names. One difference in orientation: GPT-2's {@code Conv1D} weights, stored [in, out] in the checkpoint, are held
 * as [out, in] like every other Linear ({@link #conv1dWeights()} names them), so a site's weight and delta are always
 * [out, in]. Formulas per family: docs/models.md and the classes {@link HfGpt2}, {@link HfBert}, {@link HfBart}.
 */
public sealed interface HfModel extends Model permits HfGpt2, HfBert, HfBart {
    /** What the head computes. */
    enum Task {
        /** GPT-2: logits [B, T, V]; loss = next-token cross-entropy. */
        CAUSAL_LM,
        /** BERT/RoBERTa: logits [B, K]; loss = cross-entropy against one label per row. */
        SEQUENCE_CLASSIFICATION,
        /** BART: logits [B, Tt, V] of the decoder; loss = cross-entropy against labels [B][Tt]. */
        SEQ2SEQ_LM
    }

    HfConfig config();

    Task task();

    /** The logits of transformers' model class for these inputs. */
    Var logits(HfInputs in, ForwardContext ctx);

    /** The loss transformers returns when {@code labels} are given (mean cross-entropy, −100 ignored). */
    Var loss(HfInputs in, ForwardContext ctx);

    /** Parameter names whose checkpoint tensor is the transpose of the held one (GPT-2 Conv1D); else empty. */
    default Set<String> conv1dWeights() {
        return Set.of();
    }
}
