package cola4j.tensor.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SafetensorsLayout} and the writer's sorted metadata. */
class SafetensorsLayoutTest {
    @TempDir
    Path tmp;

    @Test
    void layoutListsEntriesWithOffsetsAndMetadata() throws Exception {
        LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
        t.put("b", Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3));
        t.put("a", Tensor.of(new float[] {1, 2}, 2));
        Path f = tmp.resolve("x.safetensors");
        Safetensors.write(f, t, Map.of("z", "1", "format", "pt"));
        SafetensorsLayout l = SafetensorsLayout.read(f);
        assertThat(l.tensors()).containsExactly(
                new SafetensorsLayout.TensorInfo("b", "F64", List.of(2, 3), 0, 48),
                new SafetensorsLayout.TensorInfo("a", "F32", List.of(2), 48, 56));
        assertThat(l.metadata()).containsExactly(Map.entry("format", "pt"), Map.entry("z", "1"));
        assertThat(l.dataStart()).isEqualTo(8 + l.headerBytes());
        assertThat(l.dataStart() % 8).isZero();
        assertThat(l.fileBytes()).isEqualTo(Files.size(f)).isEqualTo(l.dataStart() + 56);
    }

    @Test
    void anInvalidFileThrowsTheReadersTypedError() throws Exception {
        Path f = tmp.resolve("bad.safetensors");
        Safetensors.write(f, Map.of("a", Tensor.of(new float[] {1, 2}, 2)), null);
        byte[] b = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(b, b.length - 1));
        assertThatThrownBy(() -> SafetensorsLayout.read(f)).isInstanceOf(SafetensorsException.class)
                .satisfies(e -> assertThat(((SafetensorsException) e).kind())
                        .isEqualTo(SafetensorsException.Kind.OFFSETS_OUT_OF_BOUNDS))
                .hasMessageContaining(f.toString());
    }

    @Test
    void metadataIsWrittenInKeyOrderWhateverTheMapsIterationOrder() throws Exception {
        Map<String, Tensor> t = Map.of("w", Tensor.of(new float[] {1}, 1));
        LinkedHashMap<String, String> forward = new LinkedHashMap<>(), backward = new LinkedHashMap<>();
        String[] keys = {"alpha", "beta", "gamma", "delta", "kind", "user", "method", "format"};
        for (String k : keys) forward.put(k, k.toUpperCase());
        for (int i = keys.length - 1; i >= 0; i--) backward.put(keys[i], keys[i].toUpperCase());
        byte[] a = Safetensors.encode(t, forward, StorageType.NATIVE);
        byte[] b = Safetensors.encode(t, backward, StorageType.NATIVE);
        byte[] c = Safetensors.encode(t, new HashMap<>(forward), StorageType.NATIVE);
        assertThat(b).isEqualTo(a);
        assertThat(c).isEqualTo(a);
        String header = new String(a, 8, a.length - 12, StandardCharsets.UTF_8);
        int last = -1;
        for (String k : new TreeMap<>(forward).keySet()) {
            int at = header.indexOf("\"" + k + "\"");
            assertThat(at).as(k).isGreaterThan(last);
            last = at;
        }
        assertThat(Safetensors.decode(a).metadata()).containsExactlyEntriesOf(new TreeMap<>(forward));
    }
}
