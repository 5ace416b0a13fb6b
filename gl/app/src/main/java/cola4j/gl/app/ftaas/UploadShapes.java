package cola4j.gl.app.ftaas;

import cola4j.tensor.DType;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.UserFit;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.models.site.Site;
import cola4j.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a user's upload must look like, checked by the server before anything is changed: exactly the expected
 * names, each with its expected shape, in the server's dtype (no conversion, so the finiteness check sees the values
 * that will be used), every value finite. Used for every upload ({@link LocalServer#upload}) and for the final
 * parameters a networked user sends for evaluation.
 * <pre>
 *   unmerged: the auxiliary parameters  site/param               (the shapes of the server's replica)
 *   merged:   site/delta_weight [out, in] at every site, site/delta_bias [out] where a linear auxiliary meets a
 *             site bias (a low-rank ΔW = (α/r)·B·A has no bias part)
 * </pre>
 */
public final class UploadShapes {
    private UploadShapes() {}

    /** The names and shapes of the parameters of {@code aux} ({@code site/param}, as {@link UserFit#parameters}). */
    public static LinkedHashMap<String, int[]> parameters(Map<String, AuxiliaryModel> aux) {
        LinkedHashMap<String, int[]> expected = new LinkedHashMap<>();
        UserFit.parameters(aux).forEach((n, v) -> expected.put(n, v.value().shape()));
        return expected;
    }

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
     * @throws IllegalArgumentException naming the user and the first problem: a dtype other than {@code dtype}, a
     *                                  non-finite value, names other than {@code expected}'s, or another shape
     */
    public static void require(int user, Map<String, int[]> expected, Map<String, Tensor> tensors, DType dtype) {
        tensors.forEach((n, t) -> {
            if (t.dtype() != dtype) {
                throw new IllegalArgumentException("server: user " + user + " uploaded " + n + " as " + t.dtype()
                        + "; the server's dtype is " + dtype);
            }
        });
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
