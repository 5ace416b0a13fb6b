package cola4j.gl.app.workload;

import java.util.Arrays;
import java.util.List;

/**
 * Row concatenation of rectangular int matrices with right padding (for {@link Workload#concatRows}), and row
 * selection (for {@link Workload#selectRows}).
 */
final class Padding {
    private Padding() {}

    /** The widest row length over all parts. */
    static int maxWidth(List<int[][]> parts) {
        int w = 0;
        for (int[][] p : parts) for (int[] row : p) w = Math.max(w, row.length);
        return w;
    }

    /** All rows of all parts in order, each right-padded with {@code fill} to {@code width}: [Σ B_i, width]. */
    static int[][] concat(List<int[][]> parts, int width, int fill) {
        int n = parts.stream().mapToInt(p -> p.length).sum();
        int[][] out = new int[n][];
        int i = 0;
        for (int[][] p : parts) {
            for (int[] row : p) {
                if (row.length > width) {
                    throw new IllegalArgumentException("Padding.concat: row of length " + row.length
                            + " > width " + width);
                }
                out[i] = Arrays.copyOf(row, width);
                Arrays.fill(out[i], row.length, width, fill);
                i++;
            }
        }
        return out;
    }

    /** All elements of all parts in order. */
    static int[] concat(List<int[]> parts) {
        return parts.stream().flatMapToInt(Arrays::stream).toArray();
    }

    /** The rows {@code idx} of {@code a}, in that order (rows shared, not copied). */
    static <T> T[] pick(T[] a, int[] idx) {
        T[] out = Arrays.copyOf(a, idx.length);
        for (int i = 0; i < idx.length; i++) out[i] = a[idx[i]];
        return out;
    }

    /** The elements {@code idx} of {@code a}, in that order. */
    static int[] pick(int[] a, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) out[i] = a[idx[i]];
        return out;
    }

    /** Number of real tokens of a right-padded mask row (its ones). */
    static int realLength(int[] maskRow) {
        int n = 0;
        for (int m : maskRow) n += m == 1 ? 1 : 0;
        return n;
    }
}
