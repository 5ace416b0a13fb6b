package cola4j.gl.app.experiments;

import cola4j.gl.app.command.OutputPaths;
import cola4j.gl.app.command.UsageException;
import cola4j.tensor.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The generated part of a Markdown document ({@code cola compare --doc docs/compare.md}): everything between the
 * lines {@value #BEGIN} and {@value #END} is replaced, the prose around them is kept. The file and its markers are
 * checked before any work ({@link #check}); the write is atomic.
 */
public final class CompareDoc {
    public static final String BEGIN = "<!-- compare:begin (written by ./cola compare --doc; edits here are lost) -->";
    public static final String END = "<!-- compare:end -->";

    private CompareDoc() {}

    /** Usage error unless {@code doc} is a writable file holding {@link #BEGIN} then {@link #END}, once each. */
    public static void check(Path doc) {
        if (!Files.isRegularFile(doc)) throw new UsageException("--doc: '" + doc + "' is not a file");
        OutputPaths.requireWritableFile("doc", doc);
        String s;
        try {
            s = Files.readString(doc, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("--doc: cannot read '" + doc + "' (" + e.getMessage() + ")");
        }
        region(s, doc);
    }

    /** Replaces the region of {@code doc} by {@code markdown}. */
    public static void replace(Path doc, String markdown) throws IOException {
        String s = Files.readString(doc, StandardCharsets.UTF_8);
        int[] r = region(s, doc);
        String out = s.substring(0, r[0]) + BEGIN + "\n\n" + markdown.strip() + "\n\n" + s.substring(r[1]);
        AtomicFiles.write(doc, out.getBytes(StandardCharsets.UTF_8));
    }

    /** [start of BEGIN, start of END]; usage error when a marker is missing, repeated or out of order. */
    private static int[] region(String s, Path doc) {
        int b = s.indexOf(BEGIN), e = s.indexOf(END);
        if (b < 0 || e < 0 || e < b || s.indexOf(BEGIN, b + 1) >= 0 || s.indexOf(END, e + 1) >= 0) {
            throw new UsageException("--doc: '" + doc + "' must contain the line " + BEGIN + " and later the line "
                    + END + ", once each");
        }
        return new int[] {b, e};
    }
}
