package cola4j.models.hf;

import cola4j.tensor.DType;
import java.util.List;

/**
 * The architecture read from a Hugging Face {@code config.json} (see {@link HfConfigReader} for the key of each
 * component per {@code model_type}). Encoder-only and decoder-only models use the encoder fields; BART also the
 * decoder ones. Validated: sizes positive, heads divide the width, dropouts in [0, 1), ε positive.
 *
 * @param modelType           {@code gpt2}, {@code bert}, {@code roberta} or {@code bart}
 * @param vocabSize           V
 * @param hidden              width C ({@code n_embd}, {@code hidden_size}, {@code d_model})
 * @param layers              encoder (or GPT-2) blocks
 * @param heads               attention heads of those blocks
 * @param intermediate        feed-forward width of those blocks
 * @param decoderLayers       BART decoder layers (0 otherwise)
 * @param decoderHeads        BART decoder heads (0 otherwise)
 * @param decoderIntermediate BART decoder feed-forward width (0 otherwise)
 * @param maxPositions        rows of the learned position table before any offset
 * @param eps                 LayerNorm ε
 * @param activation          feed-forward activation
 * @param typeVocabSize       BERT/RoBERTa token types (0 otherwise)
 * @param padTokenId          padding id (RoBERTa positions, BART shifting; −1 when the config has none)
 * @param decoderStartTokenId BART's decoder start token (−1 otherwise)
 * @param numLabels           classes of the BERT/RoBERTa sequence-classification head (0 otherwise)
 * @param scaleEmbedding      BART: token embeddings times √C
 * @param dropout             residual/hidden dropout
 * @param attentionDropout    dropout on attention weights
 * @param activationDropout   BART: dropout after the feed-forward activation (0 otherwise)
 * @param classifierDropout   BERT/RoBERTa head dropout (0 otherwise)
 * @param initializerRange    std of HF's normal init (used for a head the checkpoint lacks)
 * @param dtype               float32 or float64: every parameter and activation
 */
public record HfConfig(String modelType, int vocabSize, int hidden, int layers, int heads, int intermediate,
                       int decoderLayers, int decoderHeads, int decoderIntermediate, int maxPositions, double eps,
                       HfActivation activation, int typeVocabSize, int padTokenId, int decoderStartTokenId,
                       int numLabels, boolean scaleEmbedding, double dropout, double attentionDropout,
                       double activationDropout, double classifierDropout, double initializerRange, DType dtype) {
    /** The supported {@code model_type}s. */
    public static final List<String> MODEL_TYPES = List.of("gpt2", "bert", "roberta", "bart");

    public HfConfig {
        if (!MODEL_TYPES.contains(modelType)) {
            throw new IllegalArgumentException("unsupported model_type '" + modelType + "' (supported: "
                    + MODEL_TYPES + ")");
        }
        positive("vocab_size", vocabSize);
        positive("hidden size", hidden);
        positive("layers", layers);
        positive("attention heads", heads);
        positive("intermediate size", intermediate);
        positive("max_position_embeddings", maxPositions);
        divisible(hidden, heads);
        if (modelType.equals("bart")) {
            positive("decoder_layers", decoderLayers);
            positive("decoder_attention_heads", decoderHeads);
            positive("decoder_ffn_dim", decoderIntermediate);
            divisible(hidden, decoderHeads);
            if (decoderStartTokenId < 0 || decoderStartTokenId >= vocabSize || padTokenId < 0
                    || padTokenId >= vocabSize) {
                throw new IllegalArgumentException("bart: pad_token_id " + padTokenId + " and decoder_start_token_id "
                        + decoderStartTokenId + " must be in [0, " + vocabSize + ")");
            }
        }
        if (modelType.equals("bert") || modelType.equals("roberta")) {
            positive("type_vocab_size", typeVocabSize);
            if (numLabels < 2) {
                throw new IllegalArgumentException(modelType + ": the sequence-classification head needs num_labels"
                        + " >= 2 (single-label cross-entropy), got " + numLabels);
            }
        }
        if (modelType.equals("roberta") && (padTokenId < 0 || padTokenId >= Math.min(vocabSize, maxPositions - 1))) {
            throw new IllegalArgumentException("roberta: pad_token_id " + padTokenId
                    + " must be in [0, min(vocab_size, "
                    + "max_position_embeddings - 1))");
        }
        if (!(eps > 0) || Double.isInfinite(eps)) throw new IllegalArgumentException("LayerNorm eps " + eps + " <= 0");
        for (double p : new double[] {dropout, attentionDropout, activationDropout, classifierDropout}) {
            if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout probability " + p + " outside [0, 1)");
        }
        if (!(initializerRange >= 0) || Double.isInfinite(initializerRange)) {
            throw new IllegalArgumentException("initializer_range " + initializerRange + " must be finite and >= 0");
        }
        if (activation == null || dtype == null) {
            throw new IllegalArgumentException("activation and dtype are required");
        }
    }

    /** BERT or RoBERTa (encoder with a sequence-classification head). */
    public boolean isEncoder() {
        return modelType.equals("bert") || modelType.equals("roberta");
    }

    /** The same architecture in another dtype. */
    public HfConfig withDtype(DType d) {
        return new HfConfig(modelType, vocabSize, hidden, layers, heads, intermediate, decoderLayers, decoderHeads,
                decoderIntermediate, maxPositions, eps, activation, typeVocabSize, padTokenId, decoderStartTokenId,
                numLabels, scaleEmbedding, dropout, attentionDropout, activationDropout, classifierDropout,
                initializerRange, d);
    }

    private static void positive(String what, int v) {
        if (v <= 0) throw new IllegalArgumentException(what + " must be positive, got " + v);
    }

    private static void divisible(int c, int h) {
        if (c % h != 0) throw new IllegalArgumentException("hidden size " + c + " is not divisible by heads " + h);
    }
}
