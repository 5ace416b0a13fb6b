package cola4j.gl.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.io.JsonFiles;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code cola ftaas --lora-variant}: rslora for the lowrank users (and the LoRA baseline), recorded per user in the
 * JSON; pissa, dora, rslora over gRPC and rslora without a lowrank user are usage errors with their reason.
 */
class FtaasLoraVariantTest {
    @Test
    void rsLoraReachesTheLowRankUsersOnly(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("f.json");
        MainTest.Result r = MainTest.cola("ftaas", "--model", "mlp", "--pretrain-steps", "0", "--users", "2", "--aux",
                "lowrank~linear", "--lora-variant", "rslora", "--steps", "2", "--rows", "2", "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("user-0 lowrank r8 rslora I1").contains("user-1 linear I1");
        JsonNode specs = JsonFiles.MAPPER.readTree(Files.readString(json)).get("user_specs");
        assertThat(specs.get(0).get("lora_variant").asText()).isEqualTo("rslora");
        assertThat(specs.get(1).get("lora_variant").asText()).isEqualTo("lora");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "--lora-variant pissa|all users share one base",
        "--lora-variant dora|which a user device never holds",
        "--lora-variant rslora --transport grpc|--transport inprocess only",
        "--lora-variant rslora --aux linear|needs a lowrank user",
        "--lora-variant qlora|'qlora' is not one of lora, rslora, pissa, dora",
        "--aux adalora|--aux adalora does not apply to cola ftaas: the user's fit has no AdaLoRA regulariser",
        "--aux lowrank~prompt|--aux prompt does not apply to cola ftaas: virtual tokens are inputs",
        "--aux prefix|--aux prefix does not apply to cola ftaas"})
    void variantsThatDoNotApplyAreUsageErrors(String spec) {
        String[] p = spec.split("\\|");
        String[] opts = p[0].split(" ");
        String[] args = new String[6 + opts.length];
        System.arraycopy(new String[] {"ftaas", "--model", "mlp", "--pretrain-steps", "0", "--steps=1"}, 0, args, 0, 6);
        System.arraycopy(opts, 0, args, 6, opts.length);
        MainTest.Result r = MainTest.cola(args);
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(p[1]).doesNotContain("\tat ");
    }
}
