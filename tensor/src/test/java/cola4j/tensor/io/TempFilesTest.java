package cola4j.tensor.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Atomic writers publish files with the permissions of an ordinary new file, not the owner-only 0600 of
 * {@link Files#createTempFile}. The reference is a file (directory) created in the same directory with
 * {@link Files#createFile} ({@link Files#createDirectory}), i.e. the process's umask applied to 0666 (0777).
 */
class TempFilesTest {
    @TempDir
    Path dir;

    @BeforeEach
    void posixOnly() {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "needs POSIX permissions");
    }

    /** Mode of a plain new file in {@code dir}. */
    static Set<PosixFilePermission> plainFileMode(Path dir) throws Exception {
        Path ref = Files.createFile(dir.resolve("reference-file"));
        try {
            return Files.getPosixFilePermissions(ref);
        } finally {
            Files.delete(ref);
        }
    }

    /** Mode of a plain new directory in {@code dir}. */
    static Set<PosixFilePermission> plainDirMode(Path dir) throws Exception {
        Path ref = Files.createDirectory(dir.resolve("reference-dir"));
        try {
            return Files.getPosixFilePermissions(ref);
        } finally {
            Files.delete(ref);
        }
    }

    @Test
    void tempEntriesGetThePlainModesAndDistinctNames() throws Exception {
        Set<PosixFilePermission> fileMode = plainFileMode(dir), dirMode = plainDirMode(dir);
        System.out.println("plain new file " + fileMode + ", directory " + dirMode);
        // with the usual umask (group may read) this separates the fix from createTempFile's owner-only 0600
        assumeTrue(fileMode.contains(PosixFilePermission.GROUP_READ),
                "umask denies group read; owner-only is then the plain mode");
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            Path f = TempFiles.createFile(dir, ".x.", ".tmp");
            assertThat(f.getParent()).isEqualTo(dir);
            assertThat(f.getFileName().toString()).startsWith(".x.").endsWith(".tmp");
            assertThat(Files.size(f)).isZero();
            assertThat(Files.getPosixFilePermissions(f)).isEqualTo(fileMode);
            names.add(f.getFileName().toString());
        }
        assertThat(names).hasSize(20);
        Path d = TempFiles.createDirectory(dir, ".d.tmp-");
        assertThat(Files.isDirectory(d)).isTrue();
        assertThat(d.getFileName().toString()).startsWith(".d.tmp-");
        assertThat(Files.getPosixFilePermissions(d)).isEqualTo(dirMode).contains(PosixFilePermission.GROUP_EXECUTE);
        // the JDK's temp file, which the writers used before, is owner-only
        assertThat(Files.getPosixFilePermissions(Files.createTempFile(dir, "jdk", ".tmp"))).isNotEqualTo(fileMode);
    }

    @Test
    void safetensorsFilesGetThePlainFileMode() throws Exception {
        Set<PosixFilePermission> fileMode = plainFileMode(dir);
        assumeTrue(fileMode.contains(PosixFilePermission.GROUP_READ), "umask denies group read");
        Path f = dir.resolve("w.safetensors");
        Map<String, Tensor> t = Map.of("w", new Rng(3).normal(DType.FLOAT64, 0, 1, 2, 3));
        Safetensors.write(f, t, Map.of());
        assertThat(Files.getPosixFilePermissions(f)).isEqualTo(fileMode);
        Safetensors.write(f, t, Map.of()); // replacing keeps it
        assertThat(Files.getPosixFilePermissions(f)).isEqualTo(fileMode);
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("w.safetensors");
        }
    }
}
