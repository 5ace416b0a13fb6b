package cola4j.gl.app.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The RFC 4180 reader of {@link TextRecords}: header record, then data records; {@code "..."} quoting with
 * {@code ""} for a quote; CRLF or LF line ends; a record reports the line it starts on.
 */
final class Csv {
    private Csv() {}

    /** A record's fields and the 1-based line it starts on. */
    private record Rec(int line, List<String> fields) {}

    static List<TextRecords.Row> parse(Path file, String text, TextRecords.Limits lim) {
        List<Rec> recs = records(file, text, lim);
        if (recs.isEmpty()) throw TextRecords.bad(file, 1, "empty CSV file (no header)");
        List<String> header = recs.get(0).fields();
        HashSet<String> seen = new HashSet<>();
        for (String h : header) {
            if (h.isEmpty()) throw TextRecords.bad(file, 1, "empty column name in the header");
            if (!seen.add(h)) throw TextRecords.bad(file, 1, "column '" + h + "' appears twice in the header");
        }
        List<TextRecords.Row> rows = new ArrayList<>();
        for (Rec r : recs.subList(1, recs.size())) {
            if (r.fields().size() != header.size()) {
                throw TextRecords.bad(file, r.line(), r.fields().size() + " fields, the header has "
                        + header.size());
            }
            LinkedHashMap<String, String> f = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                f.put(header.get(i), TextRecords.field(file, r.line(), header.get(i), r.fields().get(i), lim));
            }
            TextRecords.add(rows, new TextRecords.Row(r.line(), f), file, lim);
        }
        return rows;
    }

    /** Splits the text into records; a record of one empty field (a blank line) is skipped. */
    private static List<Rec> records(Path file, String s, TextRecords.Limits lim) {
        List<Rec> out = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int line = 1, start = 1, i = 0, n = s.length();
        boolean quoted = false, wasQuoted = false;
        while (i < n) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < n && s.charAt(i + 1) == '"') {
                        cur.append('"');
                        i += 2;
                        continue;
                    }
                    quoted = false;
                } else {
                    if (c == '\n') line++;
                    if (cur.length() > lim.maxFieldChars()) {
                        throw TextRecords.bad(file, start, "a field is longer than the limit of "
                                + lim.maxFieldChars() + " characters");
                    }
                    cur.append(c);
                }
                i++;
                continue;
            }
            if (c == '"') {
                if (cur.length() > 0 || wasQuoted) {
                    throw TextRecords.bad(file, line, "a quote inside an unquoted field (quote the whole field and"
                            + " double the quote)");
                }
                quoted = true;
                wasQuoted = true;
            } else if (c == ',') {
                fields.add(cur.toString());
                cur.setLength(0);
                wasQuoted = false;
            } else if (c == '\n' || c == '\r') {
                fields.add(cur.toString());
                cur.setLength(0);
                wasQuoted = false;
                if (!(fields.size() == 1 && fields.get(0).isEmpty())) out.add(new Rec(start, fields));
                fields = new ArrayList<>();
                if (c == '\r' && i + 1 < n && s.charAt(i + 1) == '\n') i++;
                line++;
                start = line;
            } else {
                if (wasQuoted) throw TextRecords.bad(file, line, "text after a closing quote");
                cur.append(c);
            }
            i++;
        }
        if (quoted) throw TextRecords.bad(file, start, "unterminated quoted field");
        if (cur.length() > 0 || wasQuoted || !fields.isEmpty()) {
            fields.add(cur.toString());
            out.add(new Rec(start, fields));
        }
        return out;
    }
}
