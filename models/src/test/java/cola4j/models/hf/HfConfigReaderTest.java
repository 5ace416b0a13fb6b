package cola4j.models.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.tensor.DType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * config.json parsing with the keys of the hub's gpt2, roberta-base and facebook/bart-base configs (their
 * architecture keys, written out here; extra keys such as task_specific_params are ignored as transformers does).
 */
class HfConfigReaderTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s.replace('\'', '"'));
    }

    static final String GPT2 = "{'activation_function': 'gelu_new', 'architectures': ['GPT2LMHeadModel'],"
            + " 'attn_pdrop': 0.1, 'bos_token_id': 50256, 'embd_pdrop': 0.1, 'eos_token_id': 50256,"
            + " 'initializer_range': 0.02, 'layer_norm_epsilon': 1e-05, 'model_type': 'gpt2', 'n_ctx': 1024,"
            + " 'n_embd': 768, 'n_head': 12, 'n_layer': 12, 'n_positions': 1024, 'resid_pdrop': 0.1,"
            + " 'summary_type': 'cls_index', 'vocab_size': 50257}";
    static final String ROBERTA = "{'architectures': ['RobertaForMaskedLM'], 'attention_probs_dropout_prob': 0.1,"
            + " 'bos_token_id': 0, 'eos_token_id': 2, 'hidden_act': 'gelu', 'hidden_dropout_prob': 0.1,"
            + " 'hidden_size': 768, 'initializer_range': 0.02, 'intermediate_size': 3072, 'layer_norm_eps': 1e-05,"
            + " 'max_position_embeddings': 514, 'model_type': 'roberta', 'num_attention_heads': 12,"
            + " 'num_hidden_layers': 12, 'pad_token_id': 1, 'type_vocab_size': 1, 'vocab_size': 50265}";
    static final String BART = "{'activation_dropout': 0.1, 'activation_function': 'gelu', 'add_final_layer_norm':"
            + " false, 'architectures': ['BartModel'], 'attention_dropout': 0.1, 'd_model': 768,"
            + " 'decoder_attention_heads': 12, 'decoder_ffn_dim': 3072, 'decoder_layerdrop': 0.0, 'decoder_layers': 6,"
            + " 'decoder_start_token_id': 2, 'dropout': 0.1, 'encoder_attention_heads': 12, 'encoder_ffn_dim': 3072,"
            + " 'encoder_layerdrop': 0.0, 'encoder_layers': 6, 'id2label': {'0': 'LABEL_0', '1': 'LABEL_1',"
            + " '2': 'LABEL_2'}, 'init_std': 0.02, 'max_position_embeddings': 1024, 'model_type': 'bart',"
            + " 'normalize_before': false, 'pad_token_id': 1, 'scale_embedding': false, 'vocab_size': 50265}";

    @Test
    void gpt2() throws Exception {
        HfConfig c = HfConfigReader.read(json(GPT2), DType.FLOAT32);
        assertThat(c.hidden()).isEqualTo(768);
        assertThat(c.intermediate()).as("n_inner absent: 4·n_embd").isEqualTo(3072);
        assertThat(c.activation()).isEqualTo(HfActivation.GELU_NEW);
        assertThat(c.maxPositions()).isEqualTo(1024);
        assertThat(c.eps()).isEqualTo(1e-5);
        assertThat(c.dropout()).isEqualTo(0.1);
    }

    @Test
    void robertaBase() throws Exception {
        HfConfig c = HfConfigReader.read(json(ROBERTA), DType.FLOAT32);
        assertThat(c.modelType()).isEqualTo("roberta");
        assertThat(c.padTokenId()).isEqualTo(1);
        assertThat(c.numLabels()).as("no id2label: transformers' default 2").isEqualTo(2);
        assertThat(c.classifierDropout()).as("classifier_dropout absent: hidden_dropout_prob").isEqualTo(0.1);
        assertThat(c.activation()).isEqualTo(HfActivation.GELU);
        assertThat(c.typeVocabSize()).isEqualTo(1);
    }

    @Test
    void bartBase() throws Exception {
        HfConfig c = HfConfigReader.read(json(BART), DType.FLOAT64);
        assertThat(c.layers()).isEqualTo(6);
        assertThat(c.decoderLayers()).isEqualTo(6);
        assertThat(c.decoderStartTokenId()).isEqualTo(2);
        assertThat(c.scaleEmbedding()).isFalse();
        assertThat(c.activationDropout()).isEqualTo(0.1);
        assertThat(c.eps()).isEqualTo(1e-5);
    }

    @Test
    void unsupportedSettingsAreOneErrorNamingTheKey() throws Exception {
        ObjectNode g = (ObjectNode) json(GPT2);
        g.put("reorder_and_upcast_attn", true);
        assertThatThrownBy(() -> HfConfigReader.read(g, DType.FLOAT32))
                .hasMessage("config.json: reorder_and_upcast_attn = true is not supported");
        ObjectNode r = (ObjectNode) json(ROBERTA);
        r.put("hidden_act", "swish");
        assertThatThrownBy(() -> HfConfigReader.read(r, DType.FLOAT32)).hasMessageContaining("activation 'swish'");
        ObjectNode b = (ObjectNode) json(BART);
        b.put("d_model", "768");
        assertThatThrownBy(() -> HfConfigReader.read(b, DType.FLOAT32))
                .hasMessage("config.json: \"d_model\" must be an integer, got \"768\"");
        ObjectNode h = (ObjectNode) json(BART);
        h.put("encoder_attention_heads", 5);
        assertThatThrownBy(() -> HfConfigReader.read(h, DType.FLOAT32)).hasMessageContaining("not divisible");
        ObjectNode t = (ObjectNode) json(GPT2);
        t.put("model_type", "t5");
        assertThatThrownBy(() -> HfConfigReader.read(t, DType.FLOAT32)).hasMessageContaining("'t5'");
    }
}
