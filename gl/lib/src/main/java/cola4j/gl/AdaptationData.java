package cola4j.gl;

import cola4j.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * The adaptation data of one site for one batch, as the server sends it to the user who owns the site's auxiliary
 * model: the site input x and the gradient of the loss with respect to the site output, dL/dh.
 *
 * <p>Shapes: x [rows, in] (for an embedding site, token ids [rows] as integral values), gradH [rows, out]; rows
 * = batch × sequence positions flattened. Since the site outputs h + g(x), dL/dh = dL/dg: it is all a user needs
 * to fit g (see {@link GradientLearning}).
 *
 * @param site  the site's name (e.g. {@code blocks.0.attn.query}); used in every error message
 * @param x     site input [rows, in] or ids [rows]
 * @param gradH dL/dh [rows, out]
 */
public record AdaptationData(String site, Tensor x, Tensor gradH) {
    public AdaptationData {
        if (site == null || site.isBlank()) {
            throw new IllegalArgumentException("adaptation data: site name is required");
        }
        if (x == null || gradH == null) throw fail(site, "x and gradH are required");
        if (x.rank() != 1 && x.rank() != 2) {
            throw fail(site, "x must be [rows, in] or ids [rows], got " + Arrays.toString(x.shape()));
        }
        if (gradH.rank() != 2) throw fail(site, "gradH must be [rows, out], got " + Arrays.toString(gradH.shape()));
        if (x.dim(0) != gradH.dim(0)) {
            throw fail(site, "x " + Arrays.toString(x.shape()) + " and gradH " + Arrays.toString(gradH.shape())
                    + " have different row counts");
        }
        x.requireFinite("adaptation data for site '" + site + "': x");
        gradH.requireFinite("adaptation data for site '" + site + "': gradH");
    }

    /** The validation error "adaptation data for site 'S': what". */
    private static IllegalArgumentException fail(String site, String what) {
        return new IllegalArgumentException("adaptation data for site '" + site + "': " + what);
    }

    /** Number of rows (flattened batch positions). */
    public int rows() {
        return x.dim(0);
    }

    /** Bytes of the two tensors (what the server transfers to the user). */
    public long bytes() {
        return x.bytes() + gradH.bytes();
    }

    /**
     * Row-wise concatenation of several batches of the same site (the adaptation-interval buffer): x and gradH are
     * concatenated along axis 0, in order.
     */
    public static AdaptationData concat(List<AdaptationData> parts) {
        if (parts.isEmpty()) throw new IllegalArgumentException("AdaptationData.concat: nothing to concatenate");
        AdaptationData first = parts.get(0);
        if (parts.size() == 1) return first;
        Tensor[] xs = new Tensor[parts.size()], gs = new Tensor[parts.size()];
        for (int i = 0; i < parts.size(); i++) {
            AdaptationData p = parts.get(i);
            if (!p.site.equals(first.site)) {
                throw new IllegalArgumentException("AdaptationData.concat: site '" + p.site + "' (part " + i
                        + ") differs from '" + first.site + "'");
            }
            if (!Arrays.equals(tail(p.x), tail(first.x)) || !Arrays.equals(tail(p.gradH), tail(first.gradH))
                    || p.x.dtype() != first.x.dtype() || p.gradH.dtype() != first.gradH.dtype()) {
                throw new IllegalArgumentException("AdaptationData.concat for site '" + first.site + "': part " + i
                        + " has x " + p.x.dtype() + " " + Arrays.toString(p.x.shape())
                        + ", gradH " + p.gradH.dtype() + " " + Arrays.toString(p.gradH.shape())
                        + ", part 0 has x " + first.x.dtype() + " " + Arrays.toString(first.x.shape())
                        + ", gradH " + first.gradH.dtype() + " " + Arrays.toString(first.gradH.shape()));
            }
            xs[i] = p.x;
            gs[i] = p.gradH;
        }
        return new AdaptationData(first.site, Tensor.concat(0, xs), Tensor.concat(0, gs));
    }

    private static int[] tail(Tensor t) {
        int[] s = t.shape();
        return Arrays.copyOfRange(s, 1, s.length);
    }
}
