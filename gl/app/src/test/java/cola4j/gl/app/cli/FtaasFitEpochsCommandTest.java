package cola4j.gl.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.io.JsonFiles;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cola ftaas --fit-epochs/--fit-batch}: recorded in the JSON; bounds and the gRPC transport are usage errors.
 * (That the values reach every ColA user, and that 1 epoch is bit-identical, is FitEpochsSessionTest.)
 */
class FtaasFitEpochsCommandTest {
    @Test
    void ftaasTakesFitEpochsAndBoundsThem(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("f.json");
        MainTest.Result r = MainTest.cola("ftaas", "--model", "mlp", "--pretrain-steps", "0", "--users", "2",
                "--steps", "2", "--rows", "4", "--fit-epochs", "3", "--fit-batch", "2", "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode root = JsonFiles.MAPPER.readTree(Files.readString(json));
        assertThat(root.get("fit_epochs").asInt()).isEqualTo(3);
        assertThat(root.get("fit_batch").asInt()).isEqualTo(2);
        MainTest.Result bad = MainTest.cola("ftaas", "--model", "mlp", "--steps", "1", "--fit-epochs", "1001");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--fit-epochs must be <= 1000, got 1001");
        MainTest.Result grpc = MainTest.cola("ftaas", "--model", "mlp", "--steps", "1", "--fit-epochs", "2",
                "--transport", "grpc");
        assertThat(grpc.code()).isEqualTo(2);
        assertThat(grpc.err()).contains("--transport inprocess only");
    }
}
