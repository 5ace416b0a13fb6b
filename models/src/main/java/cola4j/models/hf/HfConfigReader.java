package cola4j.models.hf;

import cola4j.tensor.DType;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads a Hugging Face {@code config.json} into an {@link HfConfig}, with the real key names and, for absent keys,
 * the defaults of the transformers configuration classes ({@code GPT2Config}, {@code BertConfig},
 * {@code RobertaConfig}, {@code BartConfig}):
 * <pre>
 *   component          gpt2                      bert / roberta                  bart
 *   vocabSize          vocab_size 50257          vocab_size 30522                vocab_size 50265
 *   hidden             n_embd 768                hidden_size 768                 d_model 1024
 *   layers, heads      n_layer 12, n_head 12     num_hidden_layers 12,           encoder_layers 12,
 *                                                num_attention_heads 12          encoder_attention_heads 16
 *   intermediate       n_inner (null: 4·C)       intermediate_size 3072          encoder_ffn_dim 4096
 *   decoder*           –                         –                               decoder_layers 12, _heads 16,
 *                                                                                decoder_ffn_dim 4096
 *   maxPositions       n_positions 1024          max_position_embeddings 512     max_position_embeddings 1024
 *   eps                layer_norm_epsilon 1e-5   layer_norm_eps 1e-12            1e-5 (nn.LayerNorm default)
 *   activation         activation_function       hidden_act "gelu"               activation_function "gelu"
 *                      "gelu_new"
 *   dropout            resid_pdrop 0.1 (= embd)  hidden_dropout_prob 0.1         dropout 0.1
 *   attentionDropout   attn_pdrop 0.1            attention_probs_dropout_prob 0.1 attention_dropout 0.0
 *   others             initializer_range 0.02    type_vocab_size 2, pad_token_id  pad_token_id 1,
 *                                                0 (roberta 1), classifier_dropout decoder_start_token_id 2,
 *                                                (null: hidden), num_labels       scale_embedding false,
 *                                                (len(id2label), else 2)          activation_dropout 0, init_std
 * </pre>
 * Settings cola4j does not implement are refused with one error naming the key: GPT-2 {@code scale_attn_weights}
 * false, {@code scale_attn_by_inverse_layer_idx}, {@code reorder_and_upcast_attn}, {@code add_cross_attention},
 * {@code embd_pdrop} ≠ {@code resid_pdrop}; BERT {@code position_embedding_type} other than absolute; BART
 * layerdrop &gt; 0; {@code tie_word_embeddings} false for GPT-2 and BART.
 */
public final class HfConfigReader {
    private HfConfigReader() {}

    /** The config of {@code json}; IllegalArgumentException naming the key for a missing model_type or bad value. */
    public static HfConfig read(JsonNode json, DType dtype) {
        if (json == null || !json.isObject()) throw new IllegalArgumentException("config.json is not a JSON object");
        JsonNode mt = json.get("model_type");
        if (mt == null || !mt.isTextual()) {
            throw new IllegalArgumentException("config.json has no \"model_type\" (supported: " + HfConfig.MODEL_TYPES
                    + ")");
        }
        String type = mt.textValue();
        return switch (type) {
            case "gpt2" -> gpt2(json, dtype);
            case "bert", "roberta" -> bert(json, type, dtype);
            case "bart" -> bart(json, dtype);
            default -> throw new IllegalArgumentException("unsupported model_type '" + type + "' (supported: "
                    + HfConfig.MODEL_TYPES + ")");
        };
    }

    private static HfConfig gpt2(JsonNode j, DType dtype) {
        int c = integer(j, "n_embd", 768);
        refuse(j, "scale_attn_weights", false);
        refuse(j, "scale_attn_by_inverse_layer_idx", true);
        refuse(j, "reorder_and_upcast_attn", true);
        refuse(j, "add_cross_attention", true);
        refuse(j, "tie_word_embeddings", false);
        double resid = real(j, "resid_pdrop", 0.1), embd = real(j, "embd_pdrop", 0.1);
        if (resid != embd) {
            throw new IllegalArgumentException("config.json: embd_pdrop " + embd + " differs from resid_pdrop " + resid
                    + " (cola4j uses one residual/embedding dropout for GPT-2)");
        }
        JsonNode inner = j.get("n_inner");
        int ffn = inner == null || inner.isNull() ? 4 * c : integer(j, "n_inner", 0);
        return new HfConfig("gpt2", integer(j, "vocab_size", 50257), c, integer(j, "n_layer", 12),
                integer(j, "n_head", 12), ffn, 0, 0, 0, integer(j, "n_positions", 1024),
                real(j, "layer_norm_epsilon", 1e-5), HfActivation.of(text(j, "activation_function", "gelu_new")), 0, -1,
                -1, 0, false, resid, real(j, "attn_pdrop", 0.1), 0, 0, real(j, "initializer_range", 0.02), dtype);
    }

    private static HfConfig bert(JsonNode j, String type, DType dtype) {
        String pos = text(j, "position_embedding_type", "absolute");
        if (!pos.equals("absolute")) {
            throw new IllegalArgumentException("config.json: position_embedding_type '" + pos
                    + "' is not supported (only absolute)");
        }
        double hidden = real(j, "hidden_dropout_prob", 0.1);
        JsonNode cd = j.get("classifier_dropout");
        double classifier = cd == null || cd.isNull() ? hidden : real(j, "classifier_dropout", 0);
        return new HfConfig(type, integer(j, "vocab_size", 30522), integer(j, "hidden_size", 768),
                integer(j, "num_hidden_layers", 12), integer(j, "num_attention_heads", 12),
                integer(j, "intermediate_size", 3072), 0, 0, 0, integer(j, "max_position_embeddings", 512),
                real(j, "layer_norm_eps", 1e-12), HfActivation.of(text(j, "hidden_act", "gelu")),
                integer(j, "type_vocab_size", 2), integer(j, "pad_token_id", type.equals("roberta") ? 1 : 0), -1,
                numLabels(j), false, hidden, real(j, "attention_probs_dropout_prob", 0.1), 0, classifier,
                real(j, "initializer_range", 0.02), dtype);
    }

    private static HfConfig bart(JsonNode j, DType dtype) {
        refuse(j, "tie_word_embeddings", false);
        for (String k : new String[] {"encoder_layerdrop", "decoder_layerdrop"}) {
            if (real(j, k, 0) != 0) throw new IllegalArgumentException("config.json: " + k + " > 0 is not supported");
        }
        return new HfConfig("bart", integer(j, "vocab_size", 50265), integer(j, "d_model", 1024),
                integer(j, "encoder_layers", 12), integer(j, "encoder_attention_heads", 16),
                integer(j, "encoder_ffn_dim", 4096), integer(j, "decoder_layers", 12),
                integer(j, "decoder_attention_heads", 16), integer(j, "decoder_ffn_dim", 4096),
                integer(j, "max_position_embeddings", 1024), 1e-5,
                HfActivation.of(text(j, "activation_function", "gelu")), 0, integer(j, "pad_token_id", 1),
                integer(j, "decoder_start_token_id", 2), 0, bool(j, "scale_embedding", false), real(j, "dropout", 0.1),
                real(j, "attention_dropout", 0.0), real(j, "activation_dropout", 0.0), 0, real(j, "init_std", 0.02),
                dtype);
    }

    /** len(id2label) when present (transformers derives num_labels from it), else num_labels, else 2. */
    private static int numLabels(JsonNode j) {
        JsonNode m = j.get("id2label");
        if (m != null && m.isObject() && m.size() > 0) return m.size();
        return integer(j, "num_labels", 2);
    }

    private static void refuse(JsonNode j, String key, boolean unsupported) {
        JsonNode v = j.get(key);
        if (v != null && v.isBoolean() && v.booleanValue() == unsupported) {
            throw new IllegalArgumentException("config.json: " + key + " = " + unsupported + " is not supported");
        }
    }

    private static int integer(JsonNode j, String key, int dflt) {
        JsonNode v = j.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("config.json: \"" + key + "\" must be an integer, got " + v);
        }
        return v.intValue();
    }

    private static double real(JsonNode j, String key, double dflt) {
        JsonNode v = j.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isNumber()) {
            throw new IllegalArgumentException("config.json: \"" + key + "\" must be a number, got " + v);
        }
        return v.doubleValue();
    }

    private static String text(JsonNode j, String key, String dflt) {
        JsonNode v = j.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isTextual()) {
            throw new IllegalArgumentException("config.json: \"" + key + "\" must be a string, got " + v);
        }
        return v.textValue();
    }

    private static boolean bool(JsonNode j, String key, boolean dflt) {
        JsonNode v = j.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isBoolean()) {
            throw new IllegalArgumentException("config.json: \"" + key + "\" must be true/false, got " + v);
        }
        return v.booleanValue();
    }
}
