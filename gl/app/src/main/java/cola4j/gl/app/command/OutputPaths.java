package cola4j.gl.app.command;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Output paths checked before a command's work starts, so that a path that cannot be written fails in a second
 * (usage error, exit 2) instead of after the whole run. Missing parent directories are created, as the final write
 * would; a probe file is created and deleted.
 */
public final class OutputPaths {
    private OutputPaths() {}

    /**
     * Fails unless a file can be written at {@code file}: it is not a directory, its parent directories can be
     * created, and a file can be created in the parent.
     */
    public static void requireWritableFile(String opt, Path file) {
        Path abs = file.toAbsolutePath();
        if (Files.isDirectory(abs)) throw new UsageException("--" + opt + ": " + file + " is a directory");
        Path dir = abs.getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            throw new UsageException("--" + opt + ": cannot create directory " + dir + " (" + why(e) + ")");
        }
        try {
            Files.delete(Files.createTempFile(dir, ".cola-write-check.", ".tmp"));
        } catch (IOException | SecurityException e) {
            throw new UsageException("--" + opt + ": cannot write in " + dir + " (" + why(e) + ")");
        }
    }

    /** Creates {@code dir} if needed and checks that a file can be written in it. */
    public static void requireWritableDir(String opt, Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UsageException("--" + opt + ": '" + dir + "' exists and is not a directory");
        }
        try {
            Files.createDirectories(dir);
            Files.delete(Files.createTempFile(dir, ".cola-write-check.", ".tmp"));
        } catch (IOException | SecurityException e) {
            throw new UsageException("--" + opt + ": cannot create or write the directory '" + dir + "' (" + why(e)
                    + ")");
        }
    }

    private static String why(Exception e) {
        if (e instanceof FileSystemException fse && fse.getReason() != null) return fse.getReason();
        if (e instanceof FileAlreadyExistsException) return "'" + e.getMessage() + "' is a file, not a directory";
        if (e instanceof AccessDeniedException) return "permission denied: " + e.getMessage();
        if (e instanceof NoSuchFileException) return "no such file or directory: " + e.getMessage();
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
