package cola4j.models.data;

import java.util.List;

/**
 * A digits distribution shift: {@link ImageShift}s applied to the image in list order (first element first), then the
 * label relabelled y → (y + labelShift) mod 10 (a cyclic label permutation; 0 = labels unchanged).
 *
 * <p>Per-user shifts by downstream task name ({@link #forUser}). The geometric maps are the four elements of the
 * square's symmetry group that exchange rows and columns ({@link #AXIS_SWAPS}): on such images the demo's base,
 * pretrained on upright digits, answers almost only one class (class 4 for 342-359 of the 359 test images, measured
 * with 150 and 300 pretraining steps, seeds 0 and 1), i.e. it scores near the chance level (the commonest label's
 * rate, {@link Metrics#chance}). ROT180 and the left-right / top-bottom mirrors are not downstream tasks: digits such
 * as 0, 1 and 8 stay recognizable under them, and the same bases scored 0.38-0.44 there.
 * <ul>
 *   <li>{@code rotate}: quarter turns, ROT90 for even users, ROT270 for odd users;</li>
 *   <li>{@code flip}: mirrors about a diagonal, TRANSPOSE for even users, ANTI_TRANSPOSE for odd users;</li>
 *   <li>{@code invert}: INVERT, x → 1 − x (one variant: every user gets the same shift). Undoing it exactly at the
 *       first layer, (W₀ + ΔW₀)(1 − x) + b + Δb = W₀x + b for every x, needs ΔW₀ = −2W₀ and
 *       Δb = W₀·1: a full-rank change that no rank-r adapter of that layer can make. Within the demo's budget
 *       rank-8 adapters did not learn it otherwise either (they ended at one class), so the demo gives it to no user;
 *       {@code cola ftaas --model mlp} still does (user 2 mod 4);</li>
 *   <li>{@code mixed}: {@link #AXIS_SWAPS}[user mod 4] and then the labels shifted by s = 1 + (user mod 9): 36
 *       pairwise different (image, label) maps for users 0..35, each different from every {@code rotate} and
 *       {@code flip} variant (s ≠ 0).</li>
 * </ul>
 *
 * @param steps      the elementary image shifts, applied first to last (empty = identity)
 * @param labelShift the label permutation y → (y + labelShift) mod 10, in 0..9
 */
public record DigitShift(List<ImageShift> steps, int labelShift) {
    /** The downstream shift kinds, in {@link DigitsFamily#downstreamNames()} order. */
    public static final List<String> KINDS = List.of("rotate", "flip", "invert", "mixed");

    /** The maps that exchange rows and columns: ROT90, TRANSPOSE, ROT270, ANTI_TRANSPOSE. */
    public static final List<ImageShift> AXIS_SWAPS = List.of(ImageShift.ROT90, ImageShift.TRANSPOSE, ImageShift.ROT270,
            ImageShift.ANTI_TRANSPOSE);

    public DigitShift {
        steps = List.copyOf(steps);
        if (labelShift < 0 || labelShift >= Digits.CLASSES)
            throw new IllegalArgumentException("DigitShift: labelShift must be in 0.." + (Digits.CLASSES - 1)
                    + ", got " + labelShift);
    }

    /** Image shifts only, labels unchanged. */
    public DigitShift(List<ImageShift> steps) {
        this(steps, 0);
    }

    /** The shifted image (a new array). */
    public double[] apply(double[] img) {
        double[] out = img.clone();
        for (ImageShift s : steps) out = s.apply(out);
        return out;
    }

    /** The relabelled label, (y + labelShift) mod 10. */
    public int label(int y) {
        return (y + labelShift) % Digits.CLASSES;
    }

    /** Every row of {@code batch} shifted and relabelled. */
    public VectorBatch apply(VectorBatch batch) {
        double[][] x = new double[batch.size()][];
        int[] y = new int[batch.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = apply(batch.x()[i]);
            y[i] = label(batch.y()[i]);
        }
        return new VectorBatch(x, y);
    }

    /** User {@code user}'s shift of kind {@code kind}; IllegalArgumentException listing {@link #KINDS} if unknown. */
    public static DigitShift forUser(String kind, int user) {
        TaskFamily.requireUser(user);
        return switch (kind) {
            case "rotate" -> new DigitShift(List.of(user % 2 == 0 ? ImageShift.ROT90 : ImageShift.ROT270));
            case "flip" -> new DigitShift(List.of(user % 2 == 0 ? ImageShift.TRANSPOSE : ImageShift.ANTI_TRANSPOSE));
            case "invert" -> new DigitShift(List.of(ImageShift.INVERT));
            case "mixed" -> new DigitShift(List.of(AXIS_SWAPS.get(user % 4)), 1 + user % 9);
            default -> throw TaskFamily.unknown("digits downstream", kind, KINDS);
        };
    }

    @Override
    public String toString() {
        String img = steps.isEmpty() ? "identity" : steps.toString();
        return labelShift == 0 ? img : img + ", labels y -> (y + " + labelShift + ") mod 10";
    }
}
