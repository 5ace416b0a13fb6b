package cola4j.models.data;

/**
 * Elementary distribution shifts of an 8x8 image stored row-major (pixel (r, c) at index {@code 8r + c}, r = row from
 * the top, c = column from the left), values normalized to [0, 1].
 *
 * <p>Conventions (source pixel (r, c) moves to the given destination):
 * <ul>
 *   <li>{@link #ROT90}: clockwise quarter turn, (r, c) -&gt; (c, 7 - r) (the top row becomes the right column);</li>
 *   <li>{@link #ROT180}: (r, c) -&gt; (7 - r, 7 - c);</li>
 *   <li>{@link #ROT270}: counter-clockwise quarter turn, (r, c) -&gt; (7 - c, r);</li>
 *   <li>{@link #FLIP_H}: mirror left-right, (r, c) -&gt; (r, 7 - c);</li>
 *   <li>{@link #FLIP_V}: mirror top-bottom, (r, c) -&gt; (7 - r, c);</li>
 *   <li>{@link #TRANSPOSE}: mirror about the main diagonal, (r, c) -&gt; (c, r) (= FLIP_H then ROT270);</li>
 *   <li>{@link #ANTI_TRANSPOSE}: mirror about the anti-diagonal, (r, c) -&gt; (7 - c, 7 - r) (= FLIP_H
 *       then ROT90);</li>
 *   <li>{@link #INVERT}: value x -&gt; 1 - x at every pixel.</li>
 * </ul>
 */
public enum ImageShift {
    ROT90, ROT180, ROT270, FLIP_H, FLIP_V, TRANSPOSE, ANTI_TRANSPOSE, INVERT;

    private static final int S = Digits.SIDE;

    /** The shifted image (a new array); IllegalArgumentException unless {@code img} has 64 values. */
    public double[] apply(double[] img) {
        if (img.length != S * S)
            throw new IllegalArgumentException("ImageShift." + name() + ": image has " + img.length
                    + " values, expected " + S * S);
        double[] out = new double[img.length];
        if (this == INVERT) {
            for (int i = 0; i < img.length; i++) out[i] = 1.0 - img[i];
            return out;
        }
        for (int r = 0; r < S; r++) {
            for (int c = 0; c < S; c++) {
                int dest = switch (this) {
                    case ROT90 -> c * S + (S - 1 - r);
                    case ROT180 -> (S - 1 - r) * S + (S - 1 - c);
                    case ROT270 -> (S - 1 - c) * S + r;
                    case FLIP_H -> r * S + (S - 1 - c);
                    case FLIP_V -> (S - 1 - r) * S + c;
                    case TRANSPOSE -> c * S + r;
                    case ANTI_TRANSPOSE -> (S - 1 - c) * S + (S - 1 - r);
                    case INVERT -> throw new AssertionError();
                };
                out[dest] = img[r * S + c];
            }
        }
        return out;
    }
}
