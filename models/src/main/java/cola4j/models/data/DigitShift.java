package cola4j.models.data;

import java.util.ArrayList;
import java.util.List;

/**
 * A composite distribution shift: {@link ImageShift}s applied in list order (first element first).
 *
 * <p>Per-user shifts by downstream task name ({@link #forUser}):
 * <ul>
 *   <li>{@code rotate}: ROT90, ROT180, ROT270 for user mod 3 = 0, 1, 2;</li>
 *   <li>{@code flip}: FLIP_H, FLIP_V for user mod 2 = 0, 1;</li>
 *   <li>{@code invert}: INVERT (one variant: every user gets the same shift);</li>
 *   <li>{@code mixed}: the (user mod 15)-th non-identity combination of [FLIP_H?] then [rotation 0/90/180/270] then
 *       [INVERT?], enumerated with invert slowest, rotation next, flip fastest: 15 pairwise different maps.</li>
 * </ul>
 *
 * @param steps the elementary shifts, applied first to last (empty = identity)
 */
public record DigitShift(List<ImageShift> steps) {
    /** The downstream shift kinds, in {@link DigitsFamily#downstreamNames()} order. */
    public static final List<String> KINDS = List.of("rotate", "flip", "invert", "mixed");

    public DigitShift {
        steps = List.copyOf(steps);
    }

    /** The shifted image (a new array). */
    public double[] apply(double[] img) {
        double[] out = img.clone();
        for (ImageShift s : steps) out = s.apply(out);
        return out;
    }

    /** Every row of {@code batch} shifted; labels unchanged. */
    public VectorBatch apply(VectorBatch batch) {
        double[][] x = new double[batch.size()][];
        for (int i = 0; i < x.length; i++) x[i] = apply(batch.x()[i]);
        return new VectorBatch(x, batch.y().clone());
    }

    /** User {@code user}'s shift of kind {@code kind}; IllegalArgumentException listing {@link #KINDS} if unknown. */
    public static DigitShift forUser(String kind, int user) {
        TaskFamily.requireUser(user);
        return switch (kind) {
            case "rotate" -> new DigitShift(List.of(List.of(ImageShift.ROT90, ImageShift.ROT180, ImageShift.ROT270).get(user % 3)));
            case "flip" -> new DigitShift(List.of(user % 2 == 0 ? ImageShift.FLIP_H : ImageShift.FLIP_V));
            case "invert" -> new DigitShift(List.of(ImageShift.INVERT));
            case "mixed" -> mixed(1 + user % 15);
            default -> throw TaskFamily.unknown("digits downstream", kind, KINDS);
        };
    }

    /** Combination {@code code} in 1..15: bit 0 = flip, bits 1-2 = quarter turns, bit 3 = invert. */
    private static DigitShift mixed(int code) {
        List<ImageShift> s = new ArrayList<>();
        if ((code & 1) != 0) s.add(ImageShift.FLIP_H);
        int quarter = (code >> 1) & 3;
        if (quarter > 0) s.add(List.of(ImageShift.ROT90, ImageShift.ROT180, ImageShift.ROT270).get(quarter - 1));
        if ((code & 8) != 0) s.add(ImageShift.INVERT);
        return new DigitShift(s);
    }

    @Override
    public String toString() {
        return steps.isEmpty() ? "identity" : steps.toString();
    }
}
