package cola4j.tensor.io;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Temporary files and directories for atomic writes (write beside the target, fsync, rename over it), created with
 * the permissions of an ordinary new file or directory.
 *
 * <p>{@link Files#createTempFile} and {@link Files#createTempDirectory} create owner-only entries (mode 0600 /
 * 0700, meant for shared temp directories), and the rename carries that mode over to the published file, so a
 * checkpoint or a results file written that way is unreadable to the owner's group and to others. These methods
 * create the entry without explicit permissions instead, so the operating system applies its default, which
 * respects the process's umask (0644 for files and 0755 for directories under the common umask 022), exactly as for
 * a file written in place with {@link Files#write}. The name is {@code prefix + random + suffix} in {@code dir}; a
 * name that already exists is retried with another random part.
 */
public final class TempFiles {
    private TempFiles() {}

    /** How many random names are tried before giving up (a collision of 64-bit random names is not expected). */
    private static final int ATTEMPTS = 100;

    /** Creates an empty file {@code dir/prefix<random>suffix} with the default permissions of a new file. */
    public static Path createFile(Path dir, String prefix, String suffix) throws IOException {
        for (int i = 0; ; i++) {
            Path p = dir.resolve(name(prefix, suffix));
            try {
                return Files.createFile(p);
            } catch (FileAlreadyExistsException e) {
                if (i + 1 >= ATTEMPTS) throw e;
            }
        }
    }

    /** Creates an empty directory {@code dir/prefix<random>} with the default permissions of a new directory. */
    public static Path createDirectory(Path dir, String prefix) throws IOException {
        for (int i = 0; ; i++) {
            Path p = dir.resolve(name(prefix, ""));
            try {
                return Files.createDirectory(p);
            } catch (FileAlreadyExistsException e) {
                if (i + 1 >= ATTEMPTS) throw e;
            }
        }
    }

    private static String name(String prefix, String suffix) {
        return prefix + Long.toUnsignedString(ThreadLocalRandom.current().nextLong()) + suffix;
    }
}
