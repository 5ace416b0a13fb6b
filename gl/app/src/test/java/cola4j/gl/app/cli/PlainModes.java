package cola4j.gl.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Test helper: asserts that files and directories published by an atomic writer carry the permissions of a plain
 * new file ({@link Files#createFile}) or directory ({@link Files#createDirectory}) made beside them, i.e. the
 * umask applied to 0666 / 0777, and not the owner-only 0600 / 0700 of {@link Files#createTempFile} /
 * {@link Files#createTempDirectory}. A no-op where the file system has no POSIX permissions or the umask itself
 * denies group read (then owner-only is the plain mode and there is nothing to tell apart).
 */
public final class PlainModes {
    private PlainModes() {}

    /** Checks {@code paths} (each a regular file or a directory) and, for a directory, every entry directly in it. */
    public static void assertPlain(Path... paths) throws IOException {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) return;
        for (Path p : paths) {
            Set<PosixFilePermission> want = reference(p.toAbsolutePath().getParent(), Files.isDirectory(p));
            if (!want.contains(PosixFilePermission.GROUP_READ)) return;
            assertThat(Files.getPosixFilePermissions(p)).as("mode of " + p).isEqualTo(want);
            if (Files.isDirectory(p)) {
                try (var s = Files.list(p)) {
                    for (Path c : s.toList()) assertPlain(c);
                }
            }
        }
    }

    private static Set<PosixFilePermission> reference(Path dir, boolean directory) throws IOException {
        Path ref = dir.resolve(".plain-mode-reference-" + System.nanoTime());
        if (directory) Files.createDirectory(ref);
        else Files.createFile(ref);
        try {
            return Files.getPosixFilePermissions(ref);
        } finally {
            Files.delete(ref);
        }
    }
}
