package cola4j.gl.app.ftaas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.gl.app.cli.Main;
import cola4j.gl.app.data.TextDataset.TaskType;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.app.workload.Batch;
import cola4j.gl.app.workload.HfRun;
import cola4j.gl.app.workload.HfWorkload;
import cola4j.gl.cola.ColaMode;
import cola4j.models.hf.HfCheckpoint;
import cola4j.models.hf.HfLoader;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import cola4j.gl.app.train.HfTrainCommandTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cola ftaas --model hf:DIR} with one data file per user, on the GPT-2 fixture with the committed WordLevel
 * tokenizer and two different lm files: batches padded to one T (the analytic down payload holds exactly), the wire
 * form round-trips and is checked, and in float64 ColA (unmerged and merged) ends with the multi-tenant LoRA
 * baseline's adapters (≤ 1e-10 · max |w|) and metrics, as SessionEquivalenceTest shows on the presets.
 */
class HfTenantsTest {
    static final String[] WORDS = {"the", "cat", "sat", "on", "mat", "good", "bad", "movie", "a", "dog", "ran"};

    @TempDir
    Path tmp;

    Path model() throws Exception {
        return model("gpt2");
    }

    Path model(String family) throws Exception {
        return HfTrainCommandTest.modelDir(tmp, family);
    }

    /** 20 prompt/response rows; user u's responses follow its own rule (k = 3 or 7), lengths differ by row. */
    Path data(int u) throws Exception {
        int k = u == 0 ? 3 : 7;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            String a = WORDS[i % WORDS.length] + (i % 3 == 0 ? "" : " " + WORDS[(k * i + 1) % WORDS.length]);
            sb.append("{\"prompt\": \"").append(a).append("\", \"response\": \"")
                    .append(WORDS[(k * i + 2) % WORDS.length]).append(' ').append(a).append("\"}\n");
        }
        return Files.writeString(tmp.resolve("u" + u + ".jsonl"), sb.toString());
    }

    HfTenants tenants() throws Exception {
        HfCheckpoint ck = HfLoader.load(model(), DType.FLOAT64, 0);
        List<HfWorkload> ws = new ArrayList<>();
        for (int u = 0; u < 2; u++) ws.add(HfRun.withData(ck, data(u), TaskType.LM, 5).workload());
        return new HfTenants(ws, SiteSelector.suffixes("c_attn"), 8);
    }

    @Test
    void batchesArePaddedToOneLengthAndTheWireFormIsChecked() throws Exception {
        HfTenants w = tenants();
        assertThat(List.of(w.taskName(0), w.taskName(1), w.taskName(2))).containsExactly("u0.jsonl", "u1.jsonl",
                "u0.jsonl");
        int t = w.positionsPerRow();
        assertThat(t).isEqualTo(HfTenants.fixedLength(w.files())).isGreaterThan(1);
        Batch b = w.sample(1, 5, new Rng(3));
        Batch.Hf h = (Batch.Hf) b;
        assertThat(h.data().inputIds()).hasDimensions(5, t);
        assertThat(h.data().labels()).hasDimensions(5, t);
        Batch back = w.decode(w.encode(b), 5);
        assertThat(((Batch.Hf) back).data().inputIds()).isDeepEqualTo(h.data().inputIds());
        assertThat(((Batch.Hf) back).data().attentionMask()).isDeepEqualTo(h.data().attentionMask());
        assertThat(((Batch.Hf) back).data().labels()).isDeepEqualTo(h.data().labels());
        assertThat(w.rows(w.concat(List.of(b, w.sample(0, 2, new Rng(4)))))).isEqualTo(7);

        LinkedHashMap<String, Tensor> bad = w.encode(b);
        bad.put("input_ids", bad.get("input_ids").add(Tensor.full(DType.FLOAT64, 1000.0)));
        assertThatThrownBy(() -> w.decode(bad, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input_ids value");
        assertThatThrownBy(() -> w.decode(w.encode(b), 4)).hasMessageContaining("must be [1..4, " + t + "]");
        LinkedHashMap<String, Tensor> extra = w.encode(b);
        extra.put("x", Tensor.zeros(DType.FLOAT64, 1, 1));
        assertThatThrownBy(() -> w.decode(extra, 5)).hasMessageContaining("expected input_ids");
    }

    @Test
    void colaEndsWithLorasAdaptersInFloat64() throws Exception {
        HfTenants w = tenants();
        List<UserSpec> users = UserSpec.cycle(2, "lowrank", 2, 5, 1, "adamw", 0.05, 11);
        SessionConfig cfg = new SessionConfig(12, 4, ColaMode.UNMERGED, TransferDtype.NATIVE, 6, 7, 2e-3);
        LoraSession<?> lora = new LoraSession<>(w, users, cfg);
        MethodResult l = lora.run(s -> { });
        assertThat(l.metrics()).containsOnlyKeys("user-0", "user-1");
        for (ColaMode mode : List.of(ColaMode.UNMERGED, ColaMode.MERGED)) {
            ColaSession<?> cola = new ColaSession<>(w, users, cfg.withMode(mode), "cola-" + mode);
            MethodResult c = cola.run(s -> { });
            assertThat(c.errors()).as(mode + " errors").isEmpty();
            assertThat(c.metrics()).as(mode + " metrics").isEqualTo(l.metrics());
            // fixed-length batches: the measured payload is the analytic Σ_users Σ_sites B·T·(in + out)·8
            assertThat(c.downPayloadPerStep()).isEqualTo(c.downBytesAnalytic())
                    .isEqualTo(2.0 * 2 * 4 * w.positionsPerRow() * (16 + 48) * 8);
            SessionEquivalenceTest.assertDevicesMatchLora(cola, lora, users, mode);
        }
    }

    /**
     * BART: sources and targets of different lengths are both padded to T, so encoder, decoder and cross-attention
     * sites (k_proj/v_proj of encoder_attn read the encoder's T positions) all see B·T rows: the payload is exact.
     */
    @Test
    void seq2seqSourceAndTargetShareOneLength() throws Exception {
        HfCheckpoint ck = HfLoader.load(model("bart"), DType.FLOAT64, 0);
        List<HfWorkload> ws = new ArrayList<>();
        for (int u = 0; u < 2; u++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                String src = WORDS[i % WORDS.length] + " " + WORDS[(3 * i + u) % WORDS.length];
                String tgt = WORDS[(5 * i + 2 + u) % WORDS.length] + (i % 4 == 0 ? " a a a" : "");
                sb.append("{\"source\": \"").append(src).append("\", \"target\": \"").append(tgt).append("\"}\n");
            }
            ws.add(HfRun.withData(ck, Files.writeString(tmp.resolve("s" + u + ".jsonl"), sb.toString()),
                    TaskType.SEQ2SEQ, 5).workload());
        }
        HfTenants w = new HfTenants(ws, SiteSelector.suffixes("k_proj", "v_proj"), 4);
        Batch.Hf h = (Batch.Hf) w.sample(0, 3, new Rng(1));
        assertThat(h.data().inputIds()[0].length).isEqualTo(h.data().labels()[0].length)
                .isEqualTo(w.positionsPerRow());
        List<UserSpec> users = UserSpec.cycle(2, "lowrank", 2, 5, 1, "adamw", 0.05, 11);
        MethodResult c = new ColaSession<>(w, users, new SessionConfig(3, 3, ColaMode.UNMERGED, TransferDtype.NATIVE,
                3, 7, 2e-3), "cola").run(s -> { });
        assertThat(c.errors()).isEmpty();
        int sites = w.adaptedSites(w.base()).size();
        assertThat(sites).isEqualTo(12); // 2 encoder self, 2 decoder self, 2 decoder cross layers x (k, v)
        assertThat(c.downPayloadPerStep()).isEqualTo(c.downBytesAnalytic())
                .isEqualTo(2.0 * sites * 3 * w.positionsPerRow() * (16 + 16) * 8);
    }

    @Test
    void theCommandRunsOneFilePerUserAndReportsEachUsersMetric() throws Exception {
        Path json = tmp.resolve("out.json");
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"ftaas", "--model", "hf:" + model(), "--data", data(0) + "," + data(1),
            "--task-type", "lm", "--steps", "6", "--rows", "4", "--rank", "2", "--json", json.toString()},
                new Io(new PrintStream(o, true, StandardCharsets.UTF_8),
                        new PrintStream(e, true, StandardCharsets.UTF_8)));
        String out = o.toString(StandardCharsets.UTF_8);
        assertThat(code).as(e.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out).contains("user-0 u0.jsonl", "user-1 u1.jsonl", "cola-lowrank-unmerged", "lora");
        JsonNode n = JsonFiles.MAPPER.readTree(json.toFile());
        assertThat(n.get("users").asInt()).isEqualTo(2);
        assertThat(n.get("task_type").asText()).isEqualTo("lm");
        assertThat(n.get("data")).hasSize(2);
        for (JsonNode m : n.get("methods")) {
            assertThat(m.get("metrics").has("user-0") && m.get("metrics").has("user-1")).as(m.toString()).isTrue();
        }
        ByteArrayOutputStream e2 = new ByteArrayOutputStream();
        int grpc = Main.run(new String[] {"ftaas", "--model", "hf:" + model(), "--data", data(0).toString(),
            "--task-type", "lm", "--transport", "grpc"}, new Io(new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(e2, true, StandardCharsets.UTF_8)));
        assertThat(grpc).isEqualTo(2);
        assertThat(e2.toString(StandardCharsets.UTF_8)).contains("--transport inprocess only");
    }
}
