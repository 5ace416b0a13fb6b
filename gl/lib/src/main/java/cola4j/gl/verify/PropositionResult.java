package cola4j.gl.verify;

import cola4j.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one numerical proposition: the largest absolute difference between the two sides over every
 * compared tensor, the largest normwise relative difference max|a − b| / max|b| (per tensor), and the tolerance.
 *
 * @param id      proposition id, e.g. {@code P3}
 * @param setting what was compared, in words
 * @param maxAbs  max over tensors of max|a − b|
 * @param maxRel  max over tensors of max|a − b| / max(max|b|, 1e-300)
 * @param tol     the bound on maxRel
 * @param pass    maxRel ≤ tol (and both finite)
 */
public record PropositionResult(String id, String setting, double maxAbs, double maxRel, double tol, boolean pass) {

    /** Accumulates differences between pairs of tensors. */
    public static final class Diff {
        private double maxAbs, maxRel;

        /** Compares a (computed) with b (reference); shapes must match. */
        public Diff add(Tensor a, Tensor b) {
            double abs = a.maxAbsDiff(b);
            double rel = abs / Math.max(b.maxAbs(), 1e-300);
            if (Double.isNaN(abs)) abs = rel = Double.POSITIVE_INFINITY;
            maxAbs = Math.max(maxAbs, abs);
            maxRel = Math.max(maxRel, rel);
            return this;
        }

        /** Compares two maps key by key (same keys required). */
        public Diff addAll(Map<String, Tensor> a, Map<String, Tensor> b) {
            if (!a.keySet().equals(b.keySet())) {
                throw new IllegalStateException("compared maps differ in keys: " + a.keySet() + " vs " + b.keySet());
            }
            a.forEach((k, v) -> add(v, b.get(k)));
            return this;
        }

        public Diff merge(Diff o) {
            maxAbs = Math.max(maxAbs, o.maxAbs);
            maxRel = Math.max(maxRel, o.maxRel);
            return this;
        }

        public PropositionResult result(String id, String setting, double tol) {
            return new PropositionResult(id, setting, maxAbs, maxRel, tol, maxRel <= tol);
        }
    }

    /** True if every result passed. */
    public static boolean allPass(List<PropositionResult> results) {
        return results.stream().allMatch(PropositionResult::pass);
    }
}
