package cola4j.gl.app.train;

import cola4j.tensor.io.AtomicFiles;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code manifest.json}: the size and SHA-256 of every other file of a training checkpoint directory, and the format
 * version. Written last into the temporary directory, before the swap ({@link TrainState#write}); verified first by
 * {@code --resume} and {@code cola inspect}.
 * <pre>
 *   {"format": "cola4j-train-checkpoint", "format_version": 1,
 *    "files": [{"path": "adapter_config.json", "size": 612, "sha256": "9f…"}, ...]}   (paths sorted, '/'-separated)
 * </pre>
 * Verification ({@link #verify}) refuses, naming the file: a missing or unparsable manifest, an unknown format or
 * version, a manifest whose bytes are not exactly the canonical encoding of its content (so every byte of it counts:
 * an edit that keeps the JSON meaning, e.g. a changed space, is caught too), a listed file that is missing or differs
 * in size or hash, and a file that is not listed. Hence any change of any single byte of a checkpoint is detected
 * (CheckpointManifestTest, a jqwik property over random positions and values).
 */
public final class CheckpointManifest {
    private CheckpointManifest() {}

    public static final String FILE = "manifest.json";
    public static final String FORMAT = "cola4j-train-checkpoint";
    public static final int VERSION = 1;

    /** One file: path relative to the checkpoint directory ('/' separators), size in bytes, SHA-256 (hex). */
    public record Entry(@JsonProperty("path") String path, @JsonProperty("size") long size,
                        @JsonProperty("sha256") String sha256) {}

    /** The manifest document. */
    public record Manifest(@JsonProperty("format") String format, @JsonProperty("format_version") int formatVersion,
                           @JsonProperty("files") List<Entry> files) {}

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Hashes every file under {@code dir} and writes {@code dir/manifest.json} atomically; returns it. */
    public static Manifest write(Path dir) throws IOException {
        List<Entry> files = new ArrayList<>();
        for (Map.Entry<String, Path> f : files(dir).entrySet()) {
            files.add(new Entry(f.getKey(), Files.size(f.getValue()), sha256(f.getValue())));
        }
        Manifest m = new Manifest(FORMAT, VERSION, List.copyOf(files));
        AtomicFiles.write(dir.resolve(FILE), encode(m));
        return m;
    }

    /** The canonical bytes of a manifest (what {@link #write} writes). */
    static byte[] encode(Manifest m) throws IOException {
        byte[] json = JSON.writeValueAsBytes(m);
        byte[] out = java.util.Arrays.copyOf(json, json.length + 1);
        out[json.length] = '\n';
        return out;
    }

    /**
     * Checks {@code dir} against its manifest (see the class comment).
     *
     * @return the verified manifest
     * @throws CheckpointException one line naming the checkpoint and the first file that differs
     */
    public static Manifest verify(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            throw new CheckpointException("checkpoint " + dir + ": no " + FILE
                    + " (not a cola4j training checkpoint, or one written before format version " + VERSION + ")");
        }
        byte[] bytes = Files.readAllBytes(f);
        Manifest m;
        try {
            m = JSON.readValue(bytes, Manifest.class);
        } catch (IOException e) {
            throw new CheckpointException("checkpoint " + dir + ": " + FILE + " is corrupt: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (!FORMAT.equals(m.format()) || m.formatVersion() != VERSION) {
            throw new CheckpointException("checkpoint " + dir + ": " + FILE + " has format " + m.format() + " version "
                    + m.formatVersion() + "; this cola4j reads " + FORMAT + " version " + VERSION);
        }
        if (m.files() == null || !java.util.Arrays.equals(bytes, encode(m))) {
            throw new CheckpointException("checkpoint " + dir + ": " + FILE
                    + " is not in its canonical form (edited?)");
        }
        Map<String, Path> present = files(dir);
        for (Entry e : m.files()) {
            Path p = present.remove(e.path());
            if (p == null) {
                throw new CheckpointException("checkpoint " + dir + ": " + e.path() + " is listed in " + FILE
                        + " but missing");
            }
            long size = Files.size(p);
            if (size != e.size()) {
                throw new CheckpointException("checkpoint " + dir + ": " + e.path() + " differs from " + FILE
                        + " (" + size + " bytes, expected " + e.size() + ")");
            }
            String hash = sha256(p);
            if (!hash.equals(e.sha256())) {
                throw new CheckpointException("checkpoint " + dir + ": " + e.path() + " differs from " + FILE
                        + " (SHA-256 " + hash.substring(0, 12) + "…, expected " + abbreviate(e.sha256()) + ")");
            }
        }
        if (!present.isEmpty()) {
            throw new CheckpointException("checkpoint " + dir + ": " + present.keySet().iterator().next()
                    + " is not listed in " + FILE);
        }
        return m;
    }

    /** True if {@code dir} verifies against its manifest. */
    public static boolean verifies(Path dir) {
        try {
            verify(dir);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() <= 12 ? s : s.substring(0, 12) + "…";
    }

    /** Every regular file under {@code dir} except the manifest, by '/'-separated relative path, sorted. */
    private static Map<String, Path> files(Path dir) throws IOException {
        LinkedHashMap<String, Path> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> all = s.filter(Files::isRegularFile).toList();
            all.stream().map(p -> Map.entry(relative(dir, p), p)).filter(e -> !e.getKey().equals(FILE))
                    .sorted(Map.Entry.comparingByKey()).forEach(e -> out.put(e.getKey(), e.getValue()));
        }
        return out;
    }

    private static String relative(Path dir, Path p) {
        List<String> parts = new ArrayList<>();
        for (Path n : dir.relativize(p)) parts.add(n.toString());
        return String.join("/", parts);
    }

    /** SHA-256 of a file's bytes, lower-case hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest d = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /** SHA-256 of bytes, lower-case hex. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
