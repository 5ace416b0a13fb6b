package cola4j.gl.verify;

import cola4j.autograd.Var;
import cola4j.gl.AdaptationData;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.cola.ColaServer;
import cola4j.gl.cola.MeanDeltaMerge;
import cola4j.gl.cola.RowRouting;
import cola4j.models.DecoderLM;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cola explain --merged}: one merged ColA pass at one site, for a student.
 *
 * <pre>
 *   (1) ΔW = (α/r)·B·A (low-rank) or W_aux (linear), Δb              the user's delta, [out, in] and [out]
 *   (2) W' = W₀ + ΔW,  b' = b₀ + Δb                                    merged into the base (after copying W₀)
 *   (3) h' = x W'ᵀ + b' = (x W₀ᵀ + b₀) + (x ΔWᵀ + Δb) = h + g_w(x)     one product instead of two
 *   (4) dL/dh' of the merged pass = dL/dh of the unmerged pass          the user's adaptation data does not change
 *   (5) W ← copy of W₀                                                 restore: bit-exact, SHA-256 unchanged
 * </pre>
 *
 * A restore by subtraction, (W₀ + ΔW) − ΔW, is shown next to it: equal to about one ulp, not bit for bit.
 */
public final class MergedWalkthrough {
    private final PrintStream out;

    public MergedWalkthrough(PrintStream out) {
        this.out = out;
    }

    /**
     * What the walk-through found.
     *
     * @param hashBefore   SHA-256 of W₀'s bytes before the pass
     * @param hashMerged   SHA-256 of W₀ + ΔW (the weights during the merged pass)
     * @param hashAfter    SHA-256 of W after the server's restore
     * @param forwardRel   max |h' − (h + g_w(x))| / max |h + g_w(x)|  (equation 3)
     * @param gradHRel     max relative difference of dL/dh merged vs unmerged (equation 4)
     * @param subtractBits elements of (W₀ + ΔW) − ΔW that differ from W₀ in at least one bit
     */
    public record Result(String hashBefore, String hashMerged, String hashAfter, double forwardRel, double gradHRel,
                         long subtractBits) {}

    /** SHA-256 of a tensor's values (big-endian float32 or float64 bytes, in row-major order). */
    public static String sha256(Tensor t) {
        double[] v = t.toDoubleArray();
        boolean f64 = t.dtype() == DType.FLOAT64;
        ByteBuffer b = ByteBuffer.allocate(v.length * (f64 ? 8 : 4));
        for (double d : v) {
            if (f64) b.putDouble(d);
            else b.putFloat((float) d);
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the walk-through at {@code site} with a mergeable auxiliary {@code type}; prints and returns the result. */
    public Result run(Fixture fx, AuxiliaryKind type, String site) {
        if (!type.mergeable()) throw new IllegalArgumentException("--merged needs lowrank or linear, got " + type);
        int rows = 1;
        DecoderLM model = fx.model();
        List<Site> sites = Fixture.site(model, site);
        Site s = sites.get(0);
        LinkedHashMap<String, AuxiliaryModel> aux = fx.auxiliaries(sites, type, 0, true);
        AuxiliaryModel g = aux.get(site);
        int[][][] batch = fx.batch(0, rows);
        ColaServer server = new ColaServer(model, sites);
        out.printf("ColA merged mode, one pass at site %s (in=%d, out=%d) of the tiny decoder LM, %s auxiliary, %s%n",
                site, s.inFeatures(), s.outFeatures(), type, fx.dtype());
        String before = sha256(s.weight());
        out.printf("%n(0) The pretrained base weight W₀ [%d, %d]: SHA-256 %s%n", s.outFeatures(), s.inFeatures(),
                before);

        out.println("\n(1) The user's delta: ΔW such that g_w(x) = x ΔWᵀ + Δb (low-rank: (α/r)·B·A).");
        Tensor dw = g.deltaWeight(), db = g.deltaBias();
        Walkthrough.show(out, "ΔW ([out, in])", dw);
        if (db != null) Walkthrough.show(out, "Δb ([out])", db);

        out.println("\n(2) Merge: the server copies W₀, then W ← W₀ + ΔW (and b ← b₀ + Δb).");
        Map<Site, Tensor[]> saved = MeanDeltaMerge.merge(sites, null, Map.of(0, aux));
        String merged = sha256(s.weight());
        Tensor wMerged = s.weight().copy(), bMerged = s.bias() == null ? null : s.bias().copy();
        MeanDeltaMerge.restore(saved);
        out.printf("     SHA-256 of W during the pass: %s (differs from W₀: %b)%n", merged, !merged.equals(before));

        ColaServer.Pass un = server.pass(ctx -> model.loss(batch[0], batch[1], ctx), Map.of(0, aux),
                RowRouting.single(0, rows), ColaMode.UNMERGED, null);
        AdaptationData du = un.dataByUser().get(0).get(0);
        Tensor x = du.x();
        out.println("\n(3) Forward: one product with the merged weight equals the base output plus the auxiliary's.");
        Tensor h = x.matmul(s.weight(), false, true), hm = x.matmul(wMerged, false, true);
        if (s.bias() != null) {
            h = h.add(s.bias());
            hm = hm.add(bMerged);
        }
        Tensor hg = h.add(g.applyFrozen(Var.constant(x)).value());
        double fwd = hm.maxAbsDiff(hg) / Math.max(hg.maxAbs(), 1e-300);
        Walkthrough.show(out, "h' = x (W₀ + ΔW)ᵀ + b'", hm);
        Walkthrough.show(out, "h + g_w(x)", hg);
        out.printf("     max relative difference (3): %.3e (rounding only)%n", fwd);

        out.println("\n(4) Backward of the merged pass: the adaptation data dL/dh is the unmerged pass's.");
        ColaServer.Pass me = server.pass(ctx -> model.loss(batch[0], batch[1], ctx), Map.of(0, aux),
                RowRouting.single(0, rows), ColaMode.MERGED, null);
        Tensor gm = me.dataByUser().get(0).get(0).gradH();
        double grel = gm.maxAbsDiff(du.gradH()) / Math.max(du.gradH().maxAbs(), 1e-300);
        out.printf("     loss merged %.12g, unmerged %.12g%n", me.loss(), un.loss());
        Walkthrough.show(out, "dL/dh (merged pass)", gm);
        out.printf("     max relative difference (4): %.3e (rounding only)%n", grel);

        out.println("\n(5) Restore from the copy: the base bytes are unchanged.");
        String after = sha256(s.weight());
        out.printf("     SHA-256 of W after the pass:  %s (equals W₀'s: %b)%n", after, after.equals(before));
        Tensor sub = wMerged.sub(dw);
        double[] a = sub.toDoubleArray(), w0 = s.weight().toDoubleArray();
        long bits = 0;
        for (int i = 0; i < a.length; i++) if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(w0[i])) {
            bits++;
        }
        out.printf("     a restore by subtraction, (W₀ + ΔW) − ΔW, would differ from W₀ in %d of %d elements"
                + " (max |diff| %.3e): why the server keeps a copy%n", bits, a.length, sub.maxAbsDiff(s.weight()));
        return new Result(before, merged, after, fwd, grel, bits);
    }
}
