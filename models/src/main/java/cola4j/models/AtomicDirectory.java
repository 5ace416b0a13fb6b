package cola4j.models;

import cola4j.tensor.io.TempFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Replacing a directory by a fully written new one with two renames, and restoring the old one after a crash between
 * them (the protocol and crash cases are described on {@link ModelCheckpoint}). Sibling names, for a target
 * {@code <parent>/<name>}: the new content is written into {@code .<name>.tmp-<random>}, the previous directory waits
 * in {@code .<name>.old-<nanoTime>} until the swap is done. Public for the other checkpoint writers ({@code cola
 * train}'s checkpoint directory); tested by AtomicDirectoryTest and ModelCheckpointTest.
 */
public final class AtomicDirectory {
    private AtomicDirectory() {}

    /** Writes the complete new content into the (empty) directory it is given. */
    @FunctionalInterface
    public interface Writer {
        void writeInto(Path dir) throws IOException;
    }

    /** {@link #replace(Path, Writer, Predicate)} where every {@code .old-} leftover counts as complete. */
    public static void replace(Path dir, Writer writer) throws IOException {
        replace(dir, writer, p -> true);
    }

    /**
     * Replaces (or creates) {@code dir} by what {@code writer} writes: {@link #recover} (restoring only a leftover
     * that is {@code complete}) and {@link #deleteStale} first; write into a fresh sibling; rename an existing
     * {@code dir} aside; rename the new one to {@code dir}; fsync the parent; delete the old one. If the writer or
     * the second rename fails, the temporary is deleted and {@code dir} is left (or put back) as it was.
     */
    public static void replace(Path dir, Writer writer, Predicate<Path> complete) throws IOException {
        Path target = dir.toAbsolutePath();
        Path parent = target.getParent();
        Files.createDirectories(parent);
        recover(target, complete);
        deleteStale(target);
        Path tmp = TempFiles.createDirectory(parent, "." + target.getFileName() + ".tmp-");
        Path old = null;
        try {
            writer.writeInto(tmp);
            if (Files.exists(target)) {
                old = parent.resolve(oldPrefix(target) + System.nanoTime());
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            syncDirectory(parent);
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
                if (old != null && !Files.exists(target)) { // the second rename failed: put the previous directory back
                    Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
                    old = null;
                }
            }
            if (old != null) deleteTree(old);
        }
    }

    /** If {@code dir} is missing, renames its most recently modified {@code .old-} sibling back; true if it did. */
    public static boolean recover(Path dir) throws IOException {
        return recover(dir, p -> true);
    }

    /**
     * If {@code dir} is missing, renames the most recently modified {@code .old-} sibling for which {@code complete}
     * holds back to {@code dir} and fsyncs the parent; true if it did.
     */
    public static boolean recover(Path dir, Predicate<Path> complete) throws IOException {
        Path target = dir.toAbsolutePath();
        if (Files.exists(target)) return false;
        for (Path old : leftovers(target)) {
            if (!complete.test(old)) continue;
            Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(target.getParent());
            return true;
        }
        return false;
    }

    /**
     * Deletes crash leftovers of {@code dir}: every {@code .<name>.tmp-*} sibling (an unfinished write), and, when
     * {@code dir} exists, every {@code .<name>.old-*} sibling (a previous version whose swap completed). With
     * {@code dir} missing the {@code .old-} ones are kept, since one of them may be the only complete copy.
     * One writer per directory: never call this while another process writes {@code dir}.
     *
     * @return the deleted paths
     */
    public static List<Path> deleteStale(Path dir) throws IOException {
        Path target = dir.toAbsolutePath();
        Path parent = target.getParent();
        List<Path> deleted = new ArrayList<>();
        if (parent == null || !Files.isDirectory(parent)) return deleted;
        String tmp = "." + target.getFileName() + ".tmp-", old = oldPrefix(target);
        boolean present = Files.exists(target);
        try (Stream<Path> s = Files.list(parent)) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(tmp) || (present && n.startsWith(old))) {
                    deleteTree(p);
                    deleted.add(p);
                }
            }
        }
        return deleted;
    }

    /** The {@code .<name>.old-*} sibling directories of {@code target}, most recently modified first. */
    public static List<Path> leftovers(Path target) throws IOException {
        Path parent = target.getParent();
        if (parent == null || !Files.isDirectory(parent)) return List.of();
        String prefix = oldPrefix(target);
        try (Stream<Path> s = Files.list(parent)) {
            List<Path> olds = new ArrayList<>(s.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && Files.isDirectory(p)).toList());
            olds.sort(Comparator.comparing(AtomicDirectory::modified).reversed());
            return olds;
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static String oldPrefix(Path target) {
        return "." + target.getFileName() + ".old-";
    }

    /** fsync of a directory (makes the renames in it durable on Linux); skipped where directories cannot be opened. */
    public static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: not every platform or file system can fsync a directory
        }
    }

    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
