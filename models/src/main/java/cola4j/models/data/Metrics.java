package cola4j.models.data;

import cola4j.tensor.Tensor;

/**
 * Evaluation metrics on predicted ids. Positions whose target is {@link SymbolVocab#IGNORE_INDEX} ({@code -100}) are
 * never scored. Aggregate over batches with {@link Mean}, weighting each batch value by its count.
 */
public final class Metrics {
    private Metrics() {
    }

    /**
     * A running weighted mean, e.g. of per-batch mean losses weighted by the number of scored positions:
     * {@code mean = sum_i w_i v_i / sum_i w_i}.
     */
    public static final class Mean {
        private double weightedSum;
        private double totalWeight;

        /** Adds {@code value} with weight 1. */
        public Mean add(double value) {
            return add(value, 1.0);
        }

        /** Adds {@code value} with weight {@code weight > 0}; IllegalArgumentException for non-finite values. */
        public Mean add(double value, double weight) {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("Metrics.Mean.add: value " + value + " is not finite");
            }
            if (!(weight > 0) || !Double.isFinite(weight))
                throw new IllegalArgumentException("Metrics.Mean.add: weight " + weight + " must be finite and > 0");
            weightedSum += weight * value;
            totalWeight += weight;
            return this;
        }

        /** The weighted mean; IllegalStateException if nothing was added. */
        public double mean() {
            if (totalWeight == 0) throw new IllegalStateException("Metrics.Mean.mean: nothing added");
            return weightedSum / totalWeight;
        }

        /** Sum of the weights added. */
        public double totalWeight() {
            return totalWeight;
        }
    }

    /** Fraction of {@code i} with {@code pred[i] == labels[i]}. */
    public static double accuracy(int[] pred, int[] labels) {
        if (pred.length != labels.length || pred.length == 0)
            throw new IllegalArgumentException("Metrics.accuracy: pred length " + pred.length + ", labels length "
                    + labels.length + " (need equal and > 0)");
        int ok = 0;
        for (int i = 0; i < pred.length; i++) if (pred[i] == labels[i]) ok++;
        return ok / (double) pred.length;
    }

    /**
     * Fraction of sequences predicted right at every non-ignored position. Rows without any scored position are
     * skipped; IllegalArgumentException if no row has one.
     */
    public static double exactMatch(int[][] pred, int[][] targets) {
        requireSameShape("exactMatch", pred, targets);
        int rows = 0, ok = 0;
        for (int b = 0; b < pred.length; b++) {
            boolean scored = false, all = true;
            for (int t = 0; t < pred[b].length; t++) {
                if (targets[b][t] == SymbolVocab.IGNORE_INDEX) continue;
                scored = true;
                all &= pred[b][t] == targets[b][t];
            }
            if (scored) {
                rows++;
                if (all) ok++;
            }
        }
        if (rows == 0) {
            throw new IllegalArgumentException("Metrics.exactMatch: no scored (non -100) position in the batch");
        }
        return ok / (double) rows;
    }

    /** Fraction of non-ignored positions predicted right; IllegalArgumentException if there are none. */
    public static double tokenAccuracy(int[][] pred, int[][] targets) {
        requireSameShape("tokenAccuracy", pred, targets);
        int n = 0, ok = 0;
        for (int b = 0; b < pred.length; b++)
            for (int t = 0; t < pred[b].length; t++) {
                if (targets[b][t] == SymbolVocab.IGNORE_INDEX) continue;
                n++;
                if (pred[b][t] == targets[b][t]) ok++;
            }
        if (n == 0) {
            throw new IllegalArgumentException("Metrics.tokenAccuracy: no scored (non -100) position in the batch");
        }
        return ok / (double) n;
    }

    /**
     * The chance level of a metric on gold targets: the score of the best <b>constant</b> prediction, i.e. the one
     * answer that ignores the input. Rows are [N][P] with {@link SymbolVocab#IGNORE_INDEX} at unscored positions.
     * <ul>
     *   <li>{@code ACCURACY}: rate of the most frequent label (column 0);</li>
     *   <li>{@code EXACT_MATCH}: rate of the most frequent scored answer (its values at its scored positions) among the
     *       rows with a scored position;</li>
     *   <li>{@code TOKEN_ACCURACY}: Σ_t (count of the most frequent value at position t) / number of scored
     *       positions.</li>
     * </ul>
     * IllegalArgumentException for no rows or no scored position.
     */
    public static double chance(Metric metric, int[][] gold) {
        if (gold.length == 0) throw new IllegalArgumentException("Metrics.chance: no rows");
        java.util.Map<Object, Integer> counts = new java.util.HashMap<>();
        switch (metric) {
            case ACCURACY -> {
                for (int[] row : gold) counts.merge(row[0], 1, Integer::sum);
                return maxCount(counts, "ACCURACY") / (double) gold.length;
            }
            case EXACT_MATCH -> {
                int rows = 0;
                for (int[] row : gold) {
                    if (scoredCount(new int[][] {row}) == 0) continue;
                    rows++;
                    counts.merge(java.util.Arrays.toString(row), 1, Integer::sum);
                }
                return maxCount(counts, "EXACT_MATCH") / (double) Math.max(rows, 1);
            }
            case TOKEN_ACCURACY -> {
                int width = 0;
                for (int[] row : gold) width = Math.max(width, row.length);
                long best = 0;
                for (int t = 0; t < width; t++) {
                    counts.clear();
                    for (int[] row : gold) {
                        if (t < row.length && row[t] != SymbolVocab.IGNORE_INDEX) counts.merge(row[t], 1, Integer::sum);
                    }
                    if (!counts.isEmpty()) best += maxCount(counts, "TOKEN_ACCURACY");
                }
                int n = scoredCount(gold);
                if (n == 0) {
                    throw new IllegalArgumentException(
                            "Metrics.chance: TOKEN_ACCURACY with no scored (non -100) position");
                }
                return best / (double) n;
            }
            default -> throw new IllegalArgumentException("Metrics.chance: unknown metric " + metric);
        }
    }

    private static int maxCount(java.util.Map<Object, Integer> counts, String what) {
        if (counts.isEmpty()) {
            throw new IllegalArgumentException("Metrics.chance: " + what + " with no scored (non -100) row");
        }
        return counts.values().stream().mapToInt(Integer::intValue).max().getAsInt();
    }

    /** Number of non-ignored target positions (the weight of a token-level mean). */
    public static int scoredCount(int[][] targets) {
        int n = 0;
        for (int[] row : targets) for (int v : row) if (v != SymbolVocab.IGNORE_INDEX) n++;
        return n;
    }

    /** Index of the largest value (first one on ties). */
    public static int argmax(double[] v) {
        if (v.length == 0) throw new IllegalArgumentException("Metrics.argmax: empty vector");
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    /** Row-wise argmax of logits [B, C] -&gt; [B]. */
    public static int[] argmaxRows(Tensor logits) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("Metrics.argmaxRows: logits rank " + logits.rank() + ", need [B, C]");
        }
        int bsz = logits.dim(0), c = logits.dim(1);
        double[] v = logits.toDoubleArray();
        int[] out = new int[bsz];
        for (int b = 0; b < bsz; b++) out[b] = argmaxRange(v, b * c, c);
        return out;
    }

    /** Position-wise argmax of logits [B, T, V] -&gt; [B, T]. */
    public static int[][] argmaxTokens(Tensor logits) {
        if (logits.rank() != 3) {
            throw new IllegalArgumentException("Metrics.argmaxTokens: logits rank " + logits.rank()
                    + ", need [B, T, V]");
        }
        int bsz = logits.dim(0), tl = logits.dim(1), vs = logits.dim(2);
        double[] v = logits.toDoubleArray();
        int[][] out = new int[bsz][tl];
        for (int b = 0; b < bsz; b++)
            for (int t = 0; t < tl; t++) out[b][t] = argmaxRange(v, (b * tl + t) * vs, vs);
        return out;
    }

    private static int argmaxRange(double[] v, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (v[off + i] > v[off + best]) best = i;
        return best;
    }

    private static void requireSameShape(String op, int[][] pred, int[][] targets) {
        if (pred.length != targets.length || pred.length == 0)
            throw new IllegalArgumentException("Metrics." + op + ": pred has " + pred.length + " rows, targets "
                    + targets.length + " (need equal and > 0)");
        for (int b = 0; b < pred.length; b++)
            if (pred[b].length != targets[b].length)
                throw new IllegalArgumentException("Metrics." + op + ": row " + b + " pred length " + pred[b].length
                        + " != targets length " + targets[b].length);
    }
}
