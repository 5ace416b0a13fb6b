package cola4j.gl.app.workload;

import cola4j.tensor.io.AtomicFiles;
import cola4j.models.Model;
import cola4j.models.ModelCheckpoint;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The directory of pretrained base checkpoints. Root: {@code $COLA_CACHE} if set, else {@code .cache/cola4j/} under the
 * repository root (found by walking up from the code's location, then from the working directory, to the directory
 * holding the {@code cola} script and {@code pom.xml}), else under the working directory.
 *
 * <p>Entry = {@code <root>/<family>-<preset>-<dtype>-seed<S>-<hash>/} holding {@link ModelCheckpoint}'s
 * {@code config.json} and {@code model.safetensors} plus {@code pretrain.json} ({@link Entry}). {@code hash} is the
 * first 12 hex digits of SHA-256 over the model's config JSON, the body lengths, the pretraining mixture (task names
 * and {@link #DATA_VERSION}) and the training hyper-parameters, so that any change that would change the weights
 * selects another entry.
 */
public final class PretrainCache {
    public static final String RECORD_FILE = "pretrain.json";
    /**
     * Version of the pretraining data definitions, part of every key: bump it when a task's sampler or labels change
     * without its name changing. 2: the encoder mixture replaced {@code parity} by {@code first_last}.
     */
    public static final int DATA_VERSION = 2;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

    /**
     * The training record stored beside the weights.
     *
     * @param family       workload family
     * @param preset       preset name
     * @param seed         initialization seed
     * @param trainSeconds wall time of the training loop
     * @param finalLoss    mean training loss over the last (up to) 20 steps
     * @param config       the training hyper-parameters
     */
    public record Entry(@JsonProperty("family") String family, @JsonProperty("preset") String preset,
                        @JsonProperty("seed") long seed, @JsonProperty("train_seconds") double trainSeconds,
                        @JsonProperty("final_loss") double finalLoss, @JsonProperty("config") PretrainConfig config) {}

    private final Path root;

    public PretrainCache(Path root) {
        this.root = root;
    }

    /** A cache at {@link #defaultRoot()}. */
    public static PretrainCache atDefaultLocation() {
        return new PretrainCache(defaultRoot());
    }

    public Path root() {
        return root;
    }

    /** {@code $COLA_CACHE}, else {@code <repo root>/.cache/cola4j}, else {@code ./.cache/cola4j}. */
    public static Path defaultRoot() {
        String env = System.getenv("COLA_CACHE");
        if (env != null && !env.isBlank()) return Path.of(env);
        Path start = null;
        try {
            start = Path.of(PretrainCache.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception | Error e) {
            // no code source (unusual class loader): fall back to the working directory
        }
        Path repo = start == null ? null : repoRoot(start);
        if (repo == null) repo = repoRoot(Path.of("").toAbsolutePath());
        return (repo != null ? repo : Path.of("").toAbsolutePath()).resolve(".cache").resolve("cola4j");
    }

    private static Path repoRoot(Path from) {
        for (Path p = from.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("cola")) && Files.isRegularFile(p.resolve("pom.xml"))
                    && Files.isDirectory(p.resolve("gl"))) {
                return p;
            }
        }
        return null;
    }

    /** The readable key {@code <family>-<preset>-<dtype>-seed<S>-<hash12>}. */
    public static String key(Workload w, String preset, long seed, PretrainConfig cfg) {
        Model m = w.model();
        String material = keyMaterial(w, seed, cfg);
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            return w.family() + "-" + preset + "-" + m.dtype() + "-seed" + seed + "-"
                    + HexFormat.of().formatHex(h).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /**
     * The text hashed into the key: model config JSON, body lengths, mixture names and data version, training
     * settings, seed.
     */
    static String keyMaterial(Workload w, long seed, PretrainConfig cfg) {
        return ModelCheckpoint.configJson(w.model()) + "\nlengths=" + lengthsOf(w) + "\nmixture="
                + w.tasks().pretrainingNames() + " v" + DATA_VERSION + "\ntrain=" + cfg.trainingKey()
                + "\nseed=" + seed;
    }

    /** The entry directory of a workload's pretraining run. */
    public Path entry(Workload w, String preset, long seed, PretrainConfig cfg) {
        return root.resolve(key(w, preset, seed, cfg));
    }

    /**
     * Loads an entry's weights into {@code w.model()} and returns its record. Any defect (missing file, corrupt
     * safetensors, config of another model, unknown JSON key) throws; the model is untouched unless all checks pass.
     */
    public Entry load(Path entry, Workload w) throws IOException {
        Path rec = entry.resolve(RECORD_FILE);
        if (!Files.isRegularFile(rec)) throw new IOException(entry + ": missing " + RECORD_FILE);
        Entry e;
        try {
            e = JSON.readValue(rec.toFile(), Entry.class);
        } catch (IOException ex) {
            throw new IOException(rec + ": " + (ex instanceof com.fasterxml.jackson.core.JsonProcessingException j
                    ? j.getOriginalMessage() : ex.getMessage()), ex);
        }
        Model stored = ModelCheckpoint.load(entry);
        String want = ModelCheckpoint.configJson(w.model()), got = ModelCheckpoint.configJson(stored);
        if (!want.equals(got)) throw new IOException(entry + ": stored config " + got + " differs from " + want);
        var weights = new java.util.LinkedHashMap<String, cola4j.tensor.Tensor>();
        stored.namedParameters().forEach((k, v) -> weights.put(k, v.value()));
        ModelCheckpoint.loadWeights(w.model(), weights);
        return e;
    }

    /**
     * Writes {@code w.model()} ({@link ModelCheckpoint#save}: the entry directory is replaced by two renames, never
     * partially) and then the record (atomic rename). An entry without its record (a crash in between) is unusable and
     * retrained by {@link Pretrainer#run}.
     */
    public void save(Path entry, Workload w, Entry e) throws IOException {
        ModelCheckpoint.save(w.model(), entry);
        AtomicFiles.write(entry.resolve(RECORD_FILE), JSON.writeValueAsBytes(e));
    }

    /** Deletes an entry directory (after a failed load). */
    public static void delete(Path entry) throws IOException {
        if (!Files.exists(entry)) return;
        try (var s = Files.walk(entry)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static String lengthsOf(Workload w) {
        if (w.tasks() instanceof cola4j.models.data.ClassificationFamily f) return f.lengths().toString();
        if (w.tasks() instanceof cola4j.models.data.LmFamily f) return f.lengths().toString();
        if (w.tasks() instanceof cola4j.models.data.Seq2SeqFamily f) return f.lengths().toString();
        return "fixed";
    }
}
