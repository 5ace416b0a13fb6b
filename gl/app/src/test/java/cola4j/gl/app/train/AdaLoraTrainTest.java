package cola4j.gl.app.train;

import static cola4j.gl.app.train.TrainCommandTest.base;
import static cola4j.gl.app.train.TrainCommandTest.tensors;
import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.io.JsonFiles;
import cola4j.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code cola train --method adalora} end to end on the tiny mlp (pretrained into a temporary cache): a resume
 * across rank allocations is bit-identical to an uninterrupted run (the allocator's EMAs and pattern travel in
 * training_state.safetensors, and the resume re-validates the config through TrainConfigRules), the final ranks
 * meet the target budget and are reported, the export has PEFT's AdaLoRA names and config, and bad options are usage
 * errors.
 */
class AdaLoraTrainTest {
    @TempDir
    static Path cache;
    @TempDir
    Path tmp;

    static TrainCommandTest.Result cola(String... args) {
        return TrainCommandTest.cola(cache, args);
    }

    /** 8 optimizer steps: warm-up t ≤ 1, budget phase 2..5, final pattern at t = 6, held at 7. */
    static final String[] ADA = {"--init-r", "4", "--target-r", "2", "--tinit", "1", "--tfinal", "2"};

    static String[] args(String dtype, String... extra) {
        List<String> a = new ArrayList<>(List.of(ADA));
        a.addAll(List.of(extra));
        return base("adalora", dtype, a.toArray(new String[0]));
    }

    @ParameterizedTest
    @ValueSource(strings = {"float64:3", "float32:7"})
    void resumeAcrossAllocationsIsBitIdentical(String spec) throws Exception {
        String dtype = spec.split(":")[0], stop = spec.split(":")[1];
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        var ra = cola(args(dtype, "--out", a.toString()));
        assertThat(ra.code()).as(ra.err()).isZero();
        var rb = cola(args(dtype, "--out", b.toString(), "--stop-at", stop));
        assertThat(rb.code()).as(rb.err()).isZero();
        var rc = cola("train", "--resume", b.toString());
        assertThat(rc.code()).as(rc.err()).isZero();
        Path ca = a.resolve(TrainState.DIR), cb = b.resolve(TrainState.DIR);
        TrainCommandTest.assertBitIdentical(tensors(ca.resolve(AdapterCheckpoint.WEIGHTS_FILE)),
                tensors(cb.resolve(AdapterCheckpoint.WEIGHTS_FILE)));
        Map<String, Tensor> sa = tensors(ca.resolve(TrainState.TENSORS));
        TrainCommandTest.assertBitIdentical(sa, tensors(cb.resolve(TrainState.TENSORS)));
        assertThat(TrainState.read(b).metrics()).isEqualTo(TrainState.read(a).metrics());
        // after the final allocation only the pattern is kept (EMAs cleared), one per site
        assertThat(sa.keySet().stream().filter(k -> k.startsWith("adalora.")).toList())
                .containsExactly("adalora.layers.0.rank_pattern", "adalora.head.rank_pattern");
    }

    @Test
    void reportsFinalRanksAndExportsPeftAdaLora() throws Exception {
        Path out = tmp.resolve("o"), json = tmp.resolve("r.json");
        var r = cola(args("float32", "--out", out.toString(), "--json", json.toString()));
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode ranks = JsonFiles.MAPPER.readTree(json.toFile()).get("final_ranks");
        assertThat(ranks.size()).isEqualTo(2);                   // the tiny mlp: layers.0, head
        int sum = 0;
        for (JsonNode n : ranks) sum += n.asInt();
        assertThat(sum).isEqualTo(2 * 2);                           // target_r · sites
        assertThat(r.out()).contains("adalora ranks (init_r 4, target_r 2; 4 of 8 triplets kept, target budget 4)")
                .containsPattern("layers\\.0 +" + ranks.get("layers.0").asInt());
        Path c = out.resolve(TrainState.DIR);
        JsonNode peft = JsonFiles.MAPPER.readTree(c.resolve(AdapterCheckpoint.CONFIG_FILE).toFile());
        assertThat(peft.get("peft_type").asText()).isEqualTo("ADALORA");
        assertThat(peft.get("init_r").asInt()).isEqualTo(4);
        assertThat(peft.get("target_r").asInt()).isEqualTo(2);
        assertThat(peft.get("total_step").asInt()).isEqualTo(8);
        assertThat(peft.get("deltaT").asInt()).isEqualTo(1);
        assertThat(peft.get("rank_pattern").isNull()).isTrue();
        Map<String, Tensor> w = tensors(c.resolve(AdapterCheckpoint.WEIGHTS_FILE));
        assertThat(w.keySet()).contains("base_model.model.head.lora_A", "base_model.model.head.lora_E",
                "base_model.model.head.lora_B").hasSize(6);
        assertThat(w.get("base_model.model.head.lora_E").shape()).containsExactly(4, 1);
        // the masked triplets are the zeros of E: as many as the ranks say
        long zeros = w.entrySet().stream().filter(e -> e.getKey().endsWith("lora_E"))
                .flatMapToDouble(e -> Arrays.stream(e.getValue().toDoubleArray())).filter(x -> x == 0).count();
        assertThat(zeros).isEqualTo(8 - 4);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "lora|--init-r 4|--init-r applies to --method adalora only",
            "adalora|--target-r 5|target_r must be in [1, init_r = 4]",
            "adalora|--beta1 1|beta1 must be in (0, 1)",
            "adalora|--orth-reg-weight 0|orth_reg_weight must be finite and > 0",
            "adalora|--tfinal 7|must be < total_step - tfinal = 1",
            "adalora|--init-r 2000|--init-r must be <= 1024",
            "adalora|--delta-t 0|--delta-t must be >= 1",
            "adalora|--aux mlp|--aux does not apply to adalora",
            "adalora|--init-r 100|--init-r 100 exceeds min(d_in, d_out) = ",
            "adalora|--beta2 nan|--beta2: 'nan' is not a finite number",
    })
    void badOptionsAreUsageErrors(String spec) {
        String[] p = spec.split("\\|");
        List<String> extra = new ArrayList<>(List.of(p[1].split(" ")));
        extra.addAll(List.of("--out", tmp.resolve("bad").toString()));
        String[] a = p[0].equals("lora") ? base("lora", "float32", extra.toArray(new String[0]))
                : args("float32", extra.toArray(new String[0]));
        var r = cola(a);
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(p[2]).doesNotContain("Exception");
    }
}
