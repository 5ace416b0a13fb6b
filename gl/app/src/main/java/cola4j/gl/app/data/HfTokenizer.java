package cola4j.gl.app.data;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A Hugging Face tokenizer read from a {@code tokenizer.json} (the format of the Rust {@code tokenizers} library, as
 * every Hugging Face model directory ships it), run by DJL's JNI binding of that library
 * ({@code ai.djl.huggingface:tokenizers}) rather than by a hand-written BPE, so ids are exactly the Python library's.
 *
 * <p>Offline by construction: the tokenizer is read from the local file only, the native library is the one packed in
 * DJL's jar (extracted once into DJL's cache directory, {@code ~/.djl.ai/tokenizers/} unless {@code DJL_CACHE_DIR} or
 * {@code ENGINE_CACHE_DIR} say otherwise), and before DJL's first use this class sets the system properties
 * {@code ai.djl.offline=true} and {@code OPT_OUT_TRACKING=true} (unless already set), which turn off DJL's
 * download paths and its usage-tracking call. No truncation and no padding: {@link #encode} returns every id
 * (callers bound lengths themselves).
 */
public final class HfTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tok;
    private final Path file;

    private HfTokenizer(HuggingFaceTokenizer tok, Path file) {
        this.tok = tok;
        this.file = file;
    }

    /**
     * Loads {@code path}: a {@code tokenizer.json} file, or a directory holding one.
     *
     * @throws IOException              if the file is missing or unreadable
     * @throws IllegalArgumentException if it is not a valid tokenizer.json (one line naming the file and the reason)
     */
    public static HfTokenizer load(Path path) throws IOException {
        Path f = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.isRegularFile(f)) throw new IOException("no tokenizer.json at " + f);
        offline();
        try {
            // from the bytes, so that DJL never looks for tokenizer_config.json or anything else beside the file
            byte[] json = Files.readAllBytes(f);
            HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json),
                    Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
            return new HfTokenizer(t, f.toAbsolutePath().normalize());
        } catch (RuntimeException e) {
            String m = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            throw new IllegalArgumentException(f + ": not a valid tokenizer.json (" + m + ")", e);
        }
    }

    /** Sets DJL's offline and no-tracking properties unless the user set them (system property or environment). */
    static void offline() {
        if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getProperty("OPT_OUT_TRACKING") == null && System.getenv("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
    }

    /** The tokenizer.json this was read from (absolute). */
    public Path file() {
        return file;
    }

    /** Ids of {@code text}, with the tokenizer's special tokens (its post-processor) when {@code special}. */
    public int[] encode(String text, boolean special) {
        Encoding e = tok.encode(text, special, false);
        long[] ids = e.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) out[i] = Math.toIntExact(ids[i]);
        return out;
    }

    /** The tokens (strings) of {@code text}, with special tokens when {@code special}. */
    public String[] tokens(String text, boolean special) {
        return tok.encode(text, special, false).getTokens();
    }

    /** The text of {@code ids}, special tokens skipped when {@code skipSpecial}. */
    public String decode(int[] ids, boolean skipSpecial) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) l[i] = ids[i];
        return tok.decode(l, skipSpecial);
    }

    /**
     * The native {@code tokenizers} library this process has loaded, as the operating system maps it (Linux:
     * {@code /proc/self/maps}); empty where that is not readable or no tokenizer was loaded yet.
     */
    public static Optional<Path> nativeLibrary() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) return Optional.empty();
        try {
            for (String line : Files.readAllLines(maps, StandardCharsets.UTF_8)) {
                int at = line.indexOf('/');
                if (at < 0) continue;
                String p = line.substring(at).trim();
                String name = Path.of(p).getFileName().toString();
                if (name.startsWith("libtokenizers") || name.startsWith("tokenizers.")) return Optional.of(Path.of(p));
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        tok.close();
    }
}
