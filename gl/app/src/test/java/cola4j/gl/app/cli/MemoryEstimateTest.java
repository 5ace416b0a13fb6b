package cola4j.gl.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.autograd.Var;
import cola4j.gl.app.train.AdapterBase;
import cola4j.gl.app.train.MethodSetup;
import cola4j.gl.app.train.TrainConfig;
import cola4j.gl.app.train.TrainMethod;
import cola4j.gl.app.train.TrainingMemory;
import cola4j.gl.app.workload.Workload;
import cola4j.gl.app.workload.Workloads;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.optim.OptimizerKind;
import cola4j.gl.optim.ScheduleKind;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory estimate of train, copra and pretrain ({@link TrainingMemory}, checked by
 * {@link cola4j.gl.app.command.HeapCheck}): its parts against a sum taken directly from the model's parameter tensors
 * and sites, and a run whose options are within their bounds but beyond a small heap refused with one line, exit 2,
 * before pretraining.
 */
class MemoryEstimateTest {
    @TempDir
    Path tmp;

    static TrainConfig config(String model, TrainMethod method, int batch, int interval) {
        return new TrainConfig(model, "tiny", DType.FLOAT64, 0, "rotate", method, AuxiliaryKind.LOWRANK, 2, 8,
                interval, false, List.of(), OptimizerKind.ADAMW, 1e-3, ScheduleKind.LINEAR, 0, 1, 4 * interval, batch,
                0, interval, 10);
    }

    /**
     * E = P·e + [adapters] N·e + N·e + (2N·e + 8T) + 4·B·L·Σ_all sites (in + out)·e
     * + [cola] I·B·L·Σ_adapted (in + out)·e.
     */
    @Test
    void partsAddUpFromTheModelsTensorsAndSites() {
        for (String model : List.of("mlp", "decoder")) {
            for (TrainMethod method : List.of(TrainMethod.FULL, TrainMethod.LORA, TrainMethod.COLA)) {
                int batch = 7, interval = method == TrainMethod.COLA ? 3 : 1;
                TrainConfig cfg = config(model, method, batch, interval);
                Workload w = Workloads.create(model, "tiny", DType.FLOAT64, 0);
                long p = 0;
                for (Var v : w.model().namedParameters().values()) p += v.value().numel();
                MethodSetup setup = MethodSetup.create(w, cfg, AdapterBase.unsaved(model));
                long n = 0;
                for (Var v : setup.trainedParameters().values()) n += v.value().numel();
                long t = setup.trainedParameters().size();
                int positions = model.equals("mlp") ? 1 : TrainingMemory.positions(w.tasks());
                long perRowAll = 0, perRowAdapted = 0;
                for (Site s : w.model().sites().values()) {
                    perRowAll += (s.kind() == Site.Kind.EMBEDDING ? 1 : s.inFeatures()) + s.outFeatures();
                }
                for (Site s : setup.sites()) perRowAdapted += s.inFeatures() + s.outFeatures();
                long e = 8;
                long expected = p * e + (method == TrainMethod.FULL ? 0 : n * e) + n * e + 2 * n * e + 8 * t
                        + 4L * batch * positions * perRowAll * e
                        + (method == TrainMethod.COLA ? (long) interval * batch * positions * perRowAdapted * e : 0);
                assertThat(TrainingMemory.forRun(cfg, w, p, setup)).as(model + " " + method).isEqualTo(expected);
            }
        }
        // the decoder's rows are token sequences: L > 1
        assertThat(TrainingMemory.positions(Workloads.create("decoder", "tiny", DType.FLOAT32, 0).tasks()))
                .isGreaterThan(1);
    }

    @Test
    void theEstimateGrowsWithTheBatch() {
        Workload w = Workloads.create("decoder", "tiny", DType.FLOAT64, 0);
        TrainConfig small = config("decoder", TrainMethod.LORA, 8, 1);
        TrainConfig big = config("decoder", TrainMethod.LORA, 800, 1);
        MethodSetup s = MethodSetup.create(w, small, AdapterBase.unsaved("decoder"));
        long p = w.model().parameterCount();
        assertThat(TrainingMemory.forRun(big, w, p, s)).isGreaterThan(TrainingMemory.forRun(small, w, p, s));
    }

    /**
     * {@code cola train --batch 4096} (within its bound) of the small decoder needs about 2.4 GiB of activations: a
     * JVM with a 96 MiB heap refuses it with the estimate and one error line, exit 2, and pretrains nothing.
     */
    @Test
    void aRunBeyondASmallHeapIsRefusedBeforePretraining() throws IOException, InterruptedException {
        Path cache = Files.createDirectories(tmp.resolve("cache"));
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx96m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "train", "--model", "decoder", "--preset", "small", "--task", "shift",
                "--method", "lora", "--batch", "4096", "--quiet", "--cache", cache.toString(), "--out",
                tmp.resolve("out").toString()));
        Process proc = new ProcessBuilder(cmd).redirectOutput(tmp.resolve("stdout").toFile())
                .redirectError(tmp.resolve("stderr").toFile()).start();
        assertThat(proc.waitFor(120, TimeUnit.SECONDS)).as("the refused run ends").isTrue();
        String err = Files.readString(tmp.resolve("stderr"), StandardCharsets.UTF_8);
        assertThat(proc.exitValue()).as(err).isEqualTo(2);
        assertThat(err.lines().toList()).as(err).hasSize(3);
        assertThat(err.lines().toList().get(0)).startsWith("cola train: memory estimate ").endsWith(", heap 96 MiB");
        assertThat(err.lines().toList().get(1)).startsWith("cola train: the run needs about ")
                .contains("a smaller --batch or --rank or a larger heap (COLA_JAVA_OPTS=-Xmx...)");
        assertThat(err).doesNotContain("Exception").doesNotContain("\tat ");
        try (Stream<Path> s = Files.list(cache)) {
            assertThat(s.toList()).as("pretrained before the refusal").isEmpty();
        }
    }
}
