package cola4j.models.data;

import cola4j.tensor.Rng;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The 8x8 handwritten digits data set (UCI "Optical Recognition of Handwritten Digits", test part; E. Alpaydin,
 * C. Kaynak, 1998; CC BY 4.0), vendored as the classpath resource {@value #RESOURCE} with its attribution
 * README beside it.
 *
 * <p>1797 rows; each row 64 integer pixels 0..16 in row-major 8x8 order (pixel (r, c) at index {@code 8r + c}) and a
 * label 0..9. {@link #split} gives a deterministic train/test split with pixels normalized to [0, 1] (divided by 16).
 */
public final class Digits {
    /** Classpath location of the gzipped CSV (no header). */
    public static final String RESOURCE = "/cola4j/models/data/digits/digits.csv.gz";
    /** Number of rows in the data set. */
    public static final int ROWS = 1797;
    /** Image side (8) and pixel count (64). */
    public static final int SIDE = 8, PIXELS = 64;
    /** Number of classes. */
    public static final int CLASSES = 10;
    /** Largest raw pixel value (normalization divides by it). */
    public static final int MAX_PIXEL = 16;

    private final int[][] pixels;
    private final int[] labels;

    private Digits(int[][] pixels, int[] labels) {
        this.pixels = pixels;
        this.labels = labels;
    }

    /** A train/test split, pixels normalized to [0, 1]. */
    public record Split(VectorBatch train, VectorBatch test) {
    }

    /** Loads the vendored data set from the classpath, validating every row. */
    public static Digits load() {
        try (InputStream raw = Digits.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) {
                throw new IllegalStateException("Digits.load: classpath resource " + RESOURCE + " not found");
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw),
                    StandardCharsets.US_ASCII));
            List<int[]> px = new ArrayList<>();
            List<Integer> ys = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) continue;
                String[] f = line.split(",");
                if (f.length != PIXELS + 1)
                    throw new IllegalStateException("Digits.load: row " + px.size() + " has " + f.length
                            + " fields, expected " + (PIXELS + 1));
                int[] p = new int[PIXELS];
                for (int i = 0; i < PIXELS; i++) {
                    p[i] = Integer.parseInt(f[i].trim());
                    if (p[i] < 0 || p[i] > MAX_PIXEL)
                        throw new IllegalStateException("Digits.load: row " + px.size() + " pixel " + i + " = "
                                + p[i] + " not in 0..16");
                }
                int y = Integer.parseInt(f[PIXELS].trim());
                if (y < 0 || y >= CLASSES) {
                    throw new IllegalStateException("Digits.load: row " + px.size() + " label " + y + " not in 0..9");
                }
                px.add(p);
                ys.add(y);
            }
            return new Digits(px.toArray(new int[0][]), ys.stream().mapToInt(Integer::intValue).toArray());
        } catch (IOException e) {
            throw new UncheckedIOException("Digits.load: reading " + RESOURCE, e);
        }
    }

    /** Number of rows (1797). */
    public int size() {
        return labels.length;
    }

    /** Raw pixels (0..16) of row {@code i}, a copy. */
    public int[] pixels(int i) {
        return pixels[i].clone();
    }

    /** Label of row {@code i}. */
    public int label(int i) {
        return labels[i];
    }

    /** Number of rows of each class 0..9. */
    public int[] labelCounts() {
        int[] c = new int[CLASSES];
        for (int y : labels) c[y]++;
        return c;
    }

    /** Pixels divided by 16: values in [0, 1]. */
    public static double[] normalize(int[] raw) {
        double[] x = new double[raw.length];
        for (int i = 0; i < raw.length; i++) x[i] = raw[i] / (double) MAX_PIXEL;
        return x;
    }

    /**
     * A deterministic split: rows are shuffled by {@code new Rng(seed).permutation(n)}; the first
     * {@code round(n * testFraction)} shuffled rows are the test set, the rest the train set (both in shuffled order).
     */
    public Split split(long seed, double testFraction) {
        if (!(testFraction > 0 && testFraction < 1))
            throw new IllegalArgumentException("Digits.split: testFraction " + testFraction + " not in (0, 1)");
        int n = size();
        int nTest = (int) Math.round(n * testFraction);
        int[] perm = new Rng(seed).permutation(n);
        return new Split(rows(perm, nTest, n), rows(perm, 0, nTest));
    }

    private VectorBatch rows(int[] perm, int from, int to) {
        double[][] x = new double[to - from][];
        int[] y = new int[to - from];
        for (int i = from; i < to; i++) {
            x[i - from] = normalize(pixels[perm[i]]);
            y[i - from] = labels[perm[i]];
        }
        return new VectorBatch(x, y);
    }
}
