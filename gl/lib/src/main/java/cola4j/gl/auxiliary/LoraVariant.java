package cola4j.gl.auxiliary;

import cola4j.tensor.io.EnumSpelling;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * The LoRA variants a low-rank auxiliary can take ({@code --lora-variant}; PEFT's {@code LoraConfig} fields in
 * brackets): plain {@link LowRankAux}; {@link RsLora} [{@code use_rslora}]; {@link Pissa}
 * [{@code init_lora_weights="pissa"}]; {@link DoraAux} [{@code use_dora}].
 */
public enum LoraVariant {
    LORA, RSLORA, PISSA, DORA;

    @JsonValue
    public String cliName() {
        return EnumSpelling.cliName(this);
    }

    @Override
    public String toString() {
        return cliName();
    }

    public static List<String> names() {
        return EnumSpelling.names(values());
    }

    @JsonCreator
    public static LoraVariant parse(String s) {
        return EnumSpelling.parse(values(), s, "lora variant");
    }
}
