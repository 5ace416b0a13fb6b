package cola4j.gl.app.ftaas;

import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.models.site.Site;
import cola4j.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a user's upload must look like, checked by the server before anything is changed: exactly the expected
 * names, each with its expected shape, every value finite.
 * <pre>
 *   unmerged: the auxiliary parameters  site/param               (the shapes of the server's replica)
 *   merged:   site/delta_weight [out, in] at every site, site/delta_bias [out] where a linear auxiliary meets a
 *             site bias (a low-rank ΔW = (α/r)·B·A has no bias part)
 * </pre>
 */
final class UploadShapes {
    private UploadShapes() {}

    /** The names and shapes of user {@code spec}'s merged-mode upload over {@code sites}. */
    static LinkedHashMap<String, int[]> deltas(UserSpec spec, List<Site> sites) {
        LinkedHashMap<String, int[]> expected = new LinkedHashMap<>();
        for (Site s : sites) {
            expected.put(s.name() + "/delta_weight", s.weight().shape());
            if (spec.auxType() == AuxiliaryKind.LINEAR && s.bias() != null) {
                expected.put(s.name() + "/delta_bias", s.bias().shape());
            }
        }
        return expected;
    }

    /**
     * @throws IllegalArgumentException naming the user and the first problem: a non-finite value, names other than
     *                                  {@code expected}'s, or a shape other than the expected one
     */
    static void require(int user, Map<String, int[]> expected, Map<String, Tensor> tensors) {
        tensors.forEach((n, t) -> t.requireFinite("server: upload of user " + user + ", tensor '" + n + "'"));
        if (!expected.keySet().equals(tensors.keySet())) {
            throw new IllegalArgumentException("server: user " + user + " uploaded " + tensors.keySet() + ", expected "
                    + expected.keySet());
        }
        expected.forEach((n, shape) -> {
            if (!Arrays.equals(shape, tensors.get(n).shape())) {
                throw new IllegalArgumentException("server: user " + user + " uploaded " + n + " "
                        + Arrays.toString(tensors.get(n).shape()) + ", expected " + Arrays.toString(shape));
            }
        });
    }
}
