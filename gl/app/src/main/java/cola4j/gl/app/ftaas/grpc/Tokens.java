package cola4j.gl.app.ftaas.grpc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-user secrets: 256 random bits (SecureRandom) written as 64 hex digits to {@code DIR/user-<k>.token}, mode
 * 0600 from the moment the file exists (written to a 0600 temporary file, then renamed). The server maps a token to
 * its user; a user presents the token, never its id.
 */
public final class Tokens {
    private Tokens() {}

    /** Hex digits in a token (256 bits). */
    public static final int HEX_LENGTH = 64;

    /** A fresh token. */
    public static String generate(SecureRandom random) {
        byte[] b = new byte[HEX_LENGTH / 2];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Writes one new token per user 0..users-1 into {@code dir} (created if missing); token → user id. */
    public static Map<String, Integer> writeAll(Path dir, int users) throws IOException {
        Files.createDirectories(dir);
        SecureRandom random = new SecureRandom();
        Map<String, Integer> byToken = new LinkedHashMap<>();
        for (int u = 0; u < users; u++) {
            String t = generate(random);
            write(dir.resolve("user-" + u + ".token"), t);
            byToken.put(t, u);
        }
        return byToken;
    }

    private static void write(Path file, String token) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, token + "\n", StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads a token file: exactly 64 hex digits (a trailing newline allowed); IOException with one line otherwise. */
    public static String read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("token file " + file + " does not exist");
        if (Files.size(file) > 1024) throw new IOException("token file " + file + " is too large to be a token");
        String t = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (t.length() != HEX_LENGTH || !t.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IOException("token file " + file + " does not hold a token (" + HEX_LENGTH + " hex digits)");
        }
        return t;
    }
}
