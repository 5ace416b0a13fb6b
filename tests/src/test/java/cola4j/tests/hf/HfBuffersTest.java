package cola4j.tests.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.autograd.GradMode;
import cola4j.models.ForwardContext;
import cola4j.models.hf.HfCheckpoint;
import cola4j.models.hf.HfLoader;
import cola4j.models.hf.HfModel;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.RawTensor;
import cola4j.tensor.io.Safetensors;
import cola4j.tensor.io.SafetensorsFile;
import cola4j.tensor.io.StorageType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints as transformers writes them, with integer and boolean buffers next to the weights: I64
 * {@code embeddings.position_ids} / {@code token_type_ids} (BERT, RoBERTa), BOOL and U8 causal masks
 * {@code attn.bias} and a float {@code attn.masked_bias} (GPT-2). The fixture directories are copied with these
 * buffers added; each loads to bit-identical logits, the buffers listed as unused; a float parameter stored with an
 * integer dtype is one error naming it.
 */
class HfBuffersTest {
    @TempDir
    Path tmp;

    /** Fixture {@code name} with {@code raw} entries added to its weights (floats unchanged, in their stored dtype). */
    private Path withBuffers(String name, Map<String, RawTensor> raw, Map<String, Tensor> floats) throws IOException {
        Path src = HfFixtures.dir(name), dst = tmp.resolve(name);
        Files.createDirectories(dst);
        Files.copy(src.resolve("config.json"), dst.resolve("config.json"));
        SafetensorsFile f = Safetensors.read(src.resolve("model.safetensors"));
        LinkedHashMap<String, Tensor> ts = new LinkedHashMap<>(f.tensors());
        ts.putAll(floats);
        raw.keySet().forEach(ts::remove);
        Safetensors.write(dst.resolve("model.safetensors"), new SafetensorsFile(ts, f.metadata(),
                new LinkedHashMap<>(raw)), StorageType.NATIVE);
        return dst;
    }

    /** I64 [1, n] holding 0..n−1 (or zeros). */
    static RawTensor int64Row(int n, boolean arange) {
        ByteBuffer b = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) b.putLong(arange ? i : 0);
        return new RawTensor("I64", new int[] {1, n}, b.array());
    }

    /** The lower-triangular causal mask [1, 1, n, n] as BOOL or U8 bytes. */
    static RawTensor causal(String dtype, int n) {
        byte[] m = new byte[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) m[i * n + j] = 1;
        return new RawTensor(dtype, new int[] {1, 1, n, n}, m);
    }

    private static Tensor logits(HfModel m, String name) throws IOException {
        try (var g = GradMode.noGrad()) {
            return m.logits(HfFixtures.inputs(HfFixtures.expected(name).tensors()), ForwardContext.eval()).value();
        }
    }

    @Test
    void gpt2CausalMaskBuffersAreSkipped() throws IOException {
        Tensor ref = logits(HfLoader.load(HfFixtures.dir("gpt2"), DType.FLOAT64).model(), "gpt2");
        LinkedHashMap<String, RawTensor> raw = new LinkedHashMap<>();
        raw.put("h.0.attn.bias", causal("BOOL", 12));
        raw.put("h.1.attn.bias", causal("U8", 12));
        Path d = withBuffers("gpt2", raw, Map.of("h.0.attn.masked_bias", Tensor.full(DType.FLOAT32, -1e4)));
        HfCheckpoint ck = HfLoader.load(d, DType.FLOAT64);
        assertThat(logits(ck.model(), "gpt2").bitEquals(ref)).isTrue();
        assertThat(ck.unused()).containsExactly("h.0.attn.masked_bias", "h.0.attn.bias", "h.1.attn.bias");
    }

    @Test
    void bertAndRobertaIdBuffersAreSkipped() throws IOException {
        for (String name : List.of("bert", "roberta")) {
            Tensor ref = logits(HfLoader.load(HfFixtures.dir(name), DType.FLOAT64).model(), name);
            int positions = HfLoader.load(HfFixtures.dir(name), DType.FLOAT64).model().config().maxPositions();
            LinkedHashMap<String, RawTensor> raw = new LinkedHashMap<>();
            raw.put(name + ".embeddings.position_ids", int64Row(positions, true));
            raw.put(name + ".embeddings.token_type_ids", int64Row(positions, false));
            HfCheckpoint ck = HfLoader.load(withBuffers(name, raw, Map.of()), DType.FLOAT64);
            assertThat(logits(ck.model(), name).bitEquals(ref)).as(name).isTrue();
            assertThat(ck.unused()).as(name).containsExactly(name + ".embeddings.position_ids",
                    name + ".embeddings.token_type_ids");
        }
    }

    @Test
    void aFloatParameterStoredAsIntegersIsOneError() throws IOException {
        byte[] ln = new byte[16 * 4];
        LinkedHashMap<String, RawTensor> raw = new LinkedHashMap<>();
        raw.put("ln_f.weight", new RawTensor("I32", new int[] {16}, ln));
        raw.put("h.0.attn.bias", causal("BOOL", 12)); // a buffer next to it is no error
        Path d = withBuffers("gpt2", raw, Map.of());
        assertThatThrownBy(() -> HfLoader.load(d, DType.FLOAT64)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 parameter(s) stored with an integer or boolean dtype [ln_f.weight (I32)]")
                .hasMessageContaining("F32, F64, F16 or BF16");

        LinkedHashMap<String, RawTensor> bart = new LinkedHashMap<>();
        bart.put("final_logits_bias", new RawTensor("I64", new int[] {1, 48}, new byte[8 * 48]));
        Path b = withBuffers("bart", bart, Map.of());
        assertThatThrownBy(() -> HfLoader.load(b, DType.FLOAT64)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("final_logits_bias (I64)");
    }
}
