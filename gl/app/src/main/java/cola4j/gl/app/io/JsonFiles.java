package cola4j.gl.app.io;

import cola4j.tensor.io.AtomicFiles;
import cola4j.tensor.io.TempFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * JSON output shared by all commands: one Jackson mapper (pretty-printed, records supported) and an atomic write.
 * Name JSON fields with {@code @JsonProperty("snake_case")} on record components.
 */
public final class JsonFiles {
    private JsonFiles() {}

    /**
     * The shared mapper; thread-safe once configured. A map without a defined iteration order ({@code Map.of},
     * HashMap: it changes from one JVM to the next) is written sorted by key ({@link StableMaps}), so a document's
     * bytes depend on its content only; LinkedHashMaps and records keep their order.
     */
    public static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(StableMaps.module());

    /**
     * Writes {@code value} as JSON to {@code file} atomically: a temporary file in the same directory is written,
     * fsynced and renamed over the target, so readers see the old file or the complete new one, never a prefix.
     * Missing parent directories are created. The file gets the permissions of a plain new file ({@link TempFiles}).
     */
    public static void writeAtomic(Path file, Object value) throws IOException {
        byte[] bytes = MAPPER.writeValueAsBytes(value);
        writeAtomic(file, bytes);
    }

    /** The atomic write of {@link #writeAtomic(Path, Object)} for raw bytes. */
    public static void writeAtomic(Path file, byte[] bytes) throws IOException {
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        AtomicFiles.write(abs, out -> {
            out.write(bytes);
            out.write('\n');
        });
    }
}
