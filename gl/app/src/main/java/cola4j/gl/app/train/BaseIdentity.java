package cola4j.gl.app.train;

import cola4j.models.Model;
import cola4j.models.ModelCheckpoint;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import cola4j.tensor.io.StorageType;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;

/**
 * The identity of the pretrained base a run fine-tunes, recorded in {@code training_state.json} so that adapters are
 * never loaded onto another base (for instance after {@code base_seed} was changed).
 *
 * @param config        the base's {@code config.json} object ({@link ModelCheckpoint#configJson}: family and sizes)
 * @param weightsSha256 SHA-256 (hex) of the safetensors encoding of the base's parameters, in
 *                      {@code namedParameters()} order, native dtype, no metadata; taken before any training
 */
public record BaseIdentity(@JsonProperty("config") JsonNode config,
                           @JsonProperty("weights_sha256") String weightsSha256) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The identity of {@code model}'s current weights (take it on the base, before full fine-tuning changes them). */
    public static BaseIdentity of(Model model) {
        try {
            return of(model, JSON.readTree(ModelCheckpoint.configJson(model)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As {@link #of(Model)} for a base whose config is not a preset's (a Hugging Face directory's, say). */
    public static BaseIdentity of(Model model, JsonNode cfg) {
        LinkedHashMap<String, Tensor> w = new LinkedHashMap<>();
        model.namedParameters().forEach((k, v) -> w.put(k, v.value()));
        return new BaseIdentity(cfg, CheckpointManifest.sha256(Safetensors.encode(w, null, StorageType.NATIVE)));
    }

    /** The base family recorded in the config ({@code encoder}, {@code decoder}, {@code seq2seq}, {@code mlp}). */
    public String family() {
        return config != null && config.hasNonNull("family") ? config.get("family").asText() : null;
    }
}
