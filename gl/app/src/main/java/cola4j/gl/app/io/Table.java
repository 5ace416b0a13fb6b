package cola4j.gl.app.io;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table for terminal output: a header row, a rule, then rows; columns are padded to their widest cell,
 * right-aligned unless {@link #alignLeft} names them (text columns read better left-aligned). Cells are strings, so
 * callers choose the number format.
 */
public final class Table {
    private final String[] headers;
    private final boolean[] left;
    private final List<String[]> rows = new ArrayList<>();

    public Table(String... headers) {
        this.headers = headers.clone();
        this.left = new boolean[headers.length];
    }

    /**
     * Left-aligns the given columns (0-based) in {@link #print} and {@link #markdown}; IllegalArgumentException
     * if out of range.
     */
    public Table alignLeft(int... columns) {
        for (int c : columns) {
            if (c < 0 || c >= headers.length) {
                throw new IllegalArgumentException("Table.alignLeft: column " + c + " of " + headers.length);
            }
            left[c] = true;
        }
        return this;
    }

    /** Adds a row; it must have one cell per header. */
    public Table row(String... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("Table.row: " + cells.length + " cells for "
                    + headers.length + " columns");
        }
        rows.add(cells.clone());
        return this;
    }

    public void print(PrintStream out) {
        int[] w = new int[headers.length];
        for (int j = 0; j < w.length; j++) {
            w[j] = headers[j].length();
            for (String[] r : rows) w[j] = Math.max(w[j], r[j].length());
        }
        out.println(line(headers, w, left));
        StringBuilder rule = new StringBuilder();
        for (int j = 0; j < w.length; j++) rule.append(j == 0 ? "" : "  ").append("-".repeat(w[j]));
        out.println(rule);
        for (String[] r : rows) out.println(line(r, w, left));
    }

    /**
     * The same table as GitHub-flavoured Markdown: the first column and those of {@link #alignLeft} left-aligned, the
     * others right-aligned.
     */
    public String markdown() {
        StringBuilder sb = new StringBuilder("|");
        for (String h : headers) sb.append(' ').append(h.replace("|", "\\|")).append(" |");
        sb.append("\n|");
        for (int j = 0; j < headers.length; j++) sb.append(j == 0 || left[j] ? "---|" : "---:|");
        sb.append('\n');
        for (String[] r : rows) {
            sb.append('|');
            for (String c : r) sb.append(' ').append(c.replace("|", "\\|")).append(" |");
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String line(String[] cells, int[] w, boolean[] left) {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < cells.length; j++) {
            if (j > 0) sb.append("  ");
            String pad = " ".repeat(w[j] - cells[j].length());
            sb.append(left[j] ? cells[j] + (j == cells.length - 1 ? "" : pad) : pad + cells[j]);
        }
        return sb.toString();
    }
}
