package cola4j.gl.workload;

import java.util.Arrays;
import java.util.List;

/** Row concatenation of rectangular int matrices with right padding (for {@link Workload#concatRows}). */
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
                if (row.length > width) throw new IllegalArgumentException("Padding.concat: row of length " + row.length + " > width " + width);
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
}
