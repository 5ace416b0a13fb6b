package cola4j.gl.app.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rows of a text data file, each a map field → string with the line it starts on. Two formats, chosen by the file
 * name's extension:
 * <ul>
 *   <li>{@code .jsonl} (or {@code .json}): one JSON object per non-blank line; values are strings, numbers or
 *       booleans (kept as their JSON text, so a label 3 reads "3"); null, arrays and objects are refused;</li>
 *   <li>{@code .csv}: RFC 4180, the first record is the header; fields separated by commas, a field in double
 *       quotes may hold commas, newlines and doubled quotes ({@code ""}); every record has as many fields as the
 *       header; a blank line is skipped.</li>
 * </ul>
 * Bounded: at most {@link Limits#maxBytes} bytes (checked before reading), {@link Limits#maxRows} rows and
 * {@link Limits#maxFieldChars} characters per field. UTF-8 only. Every defect is an {@link IllegalArgumentException}
 * with one line, {@code FILE:LINE: what}.
 */
public final class TextRecords {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TextRecords() {}

    /** One row: the 1-based line it starts on and its fields in file order. */
    public record Row(int line, LinkedHashMap<String, String> fields) {}

    /**
     * Size bounds of a data file.
     *
     * @param maxBytes      file size
     * @param maxRows       data rows (the CSV header not counted)
     * @param maxFieldChars characters of one field
     */
    public record Limits(long maxBytes, int maxRows, int maxFieldChars) {
        public Limits {
            if (maxBytes < 1 || maxRows < 1 || maxFieldChars < 1) {
                throw new IllegalArgumentException("data limits must be >= 1, got " + maxBytes + ", " + maxRows
                        + ", " + maxFieldChars);
            }
        }

        /** 256 MiB, one million rows, 100 000 characters per field. */
        public static Limits defaults() {
            return new Limits(256L << 20, 1_000_000, 100_000);
        }
    }

    /** Reads {@code file} (format by extension) within {@code lim}. */
    public static List<Row> read(Path file, Limits lim) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean csv = name.endsWith(".csv");
        if (!csv && !name.endsWith(".jsonl") && !name.endsWith(".json")) {
            throw new IllegalArgumentException(file + ": unknown data format (expected a .jsonl, .json or .csv file)");
        }
        if (!Files.isRegularFile(file)) throw new IOException("no data file " + file);
        long size = Files.size(file);
        if (size > lim.maxBytes()) {
            throw new IllegalArgumentException(file + ": " + size + " bytes exceed the limit of " + lim.maxBytes());
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + ": not UTF-8 text");
        }
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        List<Row> rows = csv ? Csv.parse(file, text, lim) : jsonl(file, text, lim);
        if (rows.isEmpty()) throw new IllegalArgumentException(file + ": no data rows");
        return rows;
    }

    private static List<Row> jsonl(Path file, String text, Limits lim) {
        List<Row> rows = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (l.isBlank()) continue;
            int line = i + 1;
            JsonNode n;
            try {
                n = JSON.readTree(l);
            } catch (JsonProcessingException e) {
                throw bad(file, line, "not a JSON object (" + e.getOriginalMessage() + ")");
            }
            if (n == null || !n.isObject()) throw bad(file, line, "not a JSON object");
            LinkedHashMap<String, String> f = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                if (!v.isValueNode() || v.isNull()) {
                    throw bad(file, line, "field '" + e.getKey() + "' must be a string or a number, got "
                            + v.getNodeType().name().toLowerCase(Locale.ROOT));
                }
                f.put(e.getKey(), field(file, line, e.getKey(), v.asText(), lim));
            }
            add(rows, new Row(line, f), file, lim);
        }
        return rows;
    }

    static String field(Path file, int line, String key, String v, Limits lim) {
        if (v.length() > lim.maxFieldChars()) {
            throw bad(file, line, "field '" + key + "' has " + v.length() + " characters, more than the limit of "
                    + lim.maxFieldChars());
        }
        return v;
    }

    static void add(List<Row> rows, Row r, Path file, Limits lim) {
        if (rows.size() == lim.maxRows()) {
            throw bad(file, r.line(), "more than the limit of " + lim.maxRows() + " rows");
        }
        rows.add(r);
    }

    /** The one-line error {@code FILE:LINE: what}. */
    static IllegalArgumentException bad(Path file, int line, String what) {
        String oneLine = what.replace('\n', ' ').replace('\r', ' ');
        return new IllegalArgumentException(file + ":" + line + ": " + oneLine);
    }
}
