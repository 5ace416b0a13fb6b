package cola4j.gl.app.cli;

import cola4j.autograd.Var;
import cola4j.models.site.Site;
import cola4j.models.site.SiteInterceptor;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Records every site's input and output during one forward pass for {@code cola forward --hidden}: tensors
 * {@code <site>.input} and {@code <site>.output} (a site called k &gt; 1 times, such as BART's shared table used by
 * encoder and decoder, adds {@code <site>.input.1}, … for the later calls, in call order). An embedding site's input
 * is recorded as its token ids [B, T] (as floats) rather than the one-hot [B, T, V] the site multiplies.
 * Returns h unchanged.
 */
final class SiteRecorder implements SiteInterceptor {
    private final LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
    private final Map<String, Integer> calls = new LinkedHashMap<>();

    @Override
    public Var intercept(Site site, Var x, Var h) {
        int k = calls.merge(site.name(), 1, Integer::sum) - 1;
        String suffix = k == 0 ? "" : "." + k;
        Tensor in = site.kind() == Site.Kind.EMBEDDING ? ids(x.value()) : x.value();
        tensors.put(site.name() + ".input" + suffix, in);
        tensors.put(site.name() + ".output" + suffix, h.value());
        return h;
    }

    /** onehot [..., V] → the index of the 1 in each row, shape [...]. */
    private static Tensor ids(Tensor onehot) {
        int[] s = onehot.shape();
        int v = s[s.length - 1], n = onehot.numel() / v;
        int[] shape = java.util.Arrays.copyOf(s, s.length - 1);
        Tensor r = Tensor.zeros(onehot.dtype(), shape);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < v; j++) {
                if (onehot.getFlat(i * v + j) != 0) {
                    r.setFlat(i, j);
                    break;
                }
            }
        }
        return r;
    }

    /** Everything recorded, in call order. */
    LinkedHashMap<String, Tensor> tensors() {
        return tensors;
    }
}
