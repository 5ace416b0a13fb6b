package cola4j.gl.app.ftaas;

import cola4j.gl.app.workload.PretrainCache;
import cola4j.models.MlpClassifier;
import cola4j.models.ModelCheckpoint;
import cola4j.models.data.DigitsFamily;
import cola4j.tensor.DType;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;

/**
 * The digits MLP base of {@code cola ftaas --model mlp} / {@code cola serve}, kept in the same {@link PretrainCache}
 * directory as the transformer bases. Entry {@code <root>/digits-mlp-<h1>x<h2>-<dtype>-seed<S>-<hash12>/}: a
 * {@link ModelCheckpoint} of the model {@link DigitsPretraining#pretrain} returns, where {@code hash12} is SHA-256 over
 * {@link #keyMaterial} (widths, dtype, steps, lr, seed, {@link #VERSION}). {@link DigitsPretraining} is deterministic
 * and safetensors stores float32/float64 exactly, so a loaded base is bit-identical to a freshly trained one: the
 * session's numbers do not depend on whether the cache was warm (checked by {@code DigitsPretrainCacheTest}).
 */
public final class DigitsPretrainCache {
    private DigitsPretrainCache() {}

    /** Version of {@link DigitsPretraining}'s recipe (batch 64, AdamW β = 0.9, 0.999, no decay): part of the key. */
    public static final int VERSION = 1;

    /** The text hashed into the entry's key. */
    static String keyMaterial(int[] hidden, DType dtype, int steps, double lr, long seed) {
        return "digits-mlp v" + VERSION + " hidden=" + Arrays.toString(hidden) + " dtype=" + dtype + " steps=" + steps
                + " lr=" + lr + " batch=64 seed=" + seed;
    }

    /** The entry directory for these settings under {@code cache.root()}. */
    public static Path entry(PretrainCache cache, int[] hidden, DType dtype, int steps, double lr, long seed) {
        String material = keyMaterial(hidden, dtype, steps, lr, seed);
        String hash;
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            hash = HexFormat.of().formatHex(h).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
        String widths = Arrays.stream(hidden).mapToObj(Integer::toString).collect(Collectors.joining("x"));
        return cache.root().resolve("digits-mlp-" + widths + "-" + dtype + "-seed" + seed + "-" + hash);
    }

    /**
     * The pretrained base: loaded from the cache when its entry exists and is sound, else trained with
     * {@link DigitsPretraining#pretrain} and saved (an unusable entry is reported on {@code log} and replaced).
     *
     * @param onStep pretraining progress (not called on a cache hit)
     */
    public static MlpClassifier pretrain(PretrainCache cache, DigitsFamily family, int[] hidden, DType dtype, int steps,
            double lr, long seed, IntConsumer onStep, PrintStream log) throws IOException {
        Path dir = entry(cache, hidden, dtype, steps, lr, seed);
        ModelCheckpoint.recover(dir);
        if (Files.isDirectory(dir)) {
            try {
                MlpClassifier m = ModelCheckpoint.load(dir, MlpClassifier.class);
                if (!ModelCheckpoint.configJson(m).equals(ModelCheckpoint.configJson(
                        DigitsPretraining.model(hidden, dtype, seed)))) {
                    throw new IOException("stored config " + ModelCheckpoint.configJson(m) + " is not this base's");
                }
                m.freeze();
                log.println("cola: loaded pretrained digits mlp from " + dir);
                return m;
            } catch (IOException | RuntimeException e) {
                log.println("cola: cache entry " + dir + " is unusable (" + e.getMessage() + "); retraining");
                PretrainCache.delete(dir);
            }
        }
        MlpClassifier m = DigitsPretraining.pretrain(family, hidden, dtype, steps, lr, seed, onStep);
        ModelCheckpoint.save(m, dir);
        return m;
    }
}
