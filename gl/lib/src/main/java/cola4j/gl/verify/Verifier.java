package cola4j.gl.verify;

import cola4j.tensor.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the equivalence suite P1–P8 and P10 on the {@link Fixture} and returns one result per check.
 *
 * <p>Tolerances: in float64 every proposition is an identity in exact arithmetic whose two sides are evaluated in
 * different orders (GL's surrogate residual g − (g − dL/dh) versus dL/dh; W + ΔW versus separate products; a row
 * subset versus the full batch), so they agree to a few ulps per op; over 10–20 steps of Adam the relative
 * difference stays below 1e-12 in our runs, and the bound is set at {@value #TOL64}. In float32 the same paths
 * differ by float32 rounding amplified by the steps; {@value #TOL32} is the level one should expect there.
 */
public final class Verifier {
    private Verifier() {}

    /** float64 bound on the normwise relative difference. */
    public static final double TOL64 = 1e-10;
    /** float32 bound (shows the error level, not an equivalence claim). */
    public static final double TOL32 = 1e-3;

    public static double tolerance(DType dtype) {
        return dtype == DType.FLOAT64 ? TOL64 : TOL32;
    }

    /** Every proposition at the dtype's tolerance. */
    public static List<PropositionResult> runAll(DType dtype, long seed) {
        Fixture fx = new Fixture(dtype, seed);
        double tol = tolerance(dtype);
        List<PropositionResult> out = new ArrayList<>(GradientPropositions.allP1(fx, tol));
        for (var v : VariantPropositions.CHECKED) out.add(VariantPropositions.p1(fx, v, tol));
        out.addAll(GradientPropositions.allP2(fx, tol));
        out.add(TrajectoryPropositions.p3(fx, "sgd", tol));
        out.add(TrajectoryPropositions.p3(fx, "adamw", tol));
        for (var v : VariantPropositions.CHECKED) out.add(VariantPropositions.p3(fx, v, tol));
        out.add(TrajectoryPropositions.p4(fx, tol));
        out.add(TrajectoryPropositions.p5(fx, tol));
        out.add(TrajectoryPropositions.p6(fx, tol));
        out.add(MultiUserProposition.p7(fx, tol));
        out.add(TrajectoryPropositions.p8(fx, tol));
        out.add(StalenessProposition.p10(fx, "sgd", 1, tol));
        out.add(StalenessProposition.p10(fx, "adamw", 3, tol));
        return out;
    }
}
