package cola4j.gl.app.ftaas;

import cola4j.gl.app.workload.Batch;
import cola4j.models.data.ClassificationBatch;
import cola4j.models.data.ClassificationFamily;
import cola4j.models.data.LmBatch;
import cola4j.models.data.LmFamily;
import cola4j.models.data.Seq2SeqBatch;
import cola4j.models.data.Seq2SeqFamily;
import cola4j.models.data.SymbolVocab;
import cola4j.models.data.TaskFamily;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wire form of the transformer families' batches: every int array as a float64 tensor (exact for these small
 * integers). Encoder classifier: {@code tokens}, {@code mask} [rows, T], {@code labels} [rows]; decoder LM:
 * {@code inputs}, {@code targets}, {@code mask} [rows, T]; seq2seq: {@code src}, {@code src_mask} [rows, S],
 * {@code tgt_in}, {@code tgt_out}, {@code tgt_mask} [rows, T]. Decoding checks names, shapes (T, S of the family),
 * token ids in [0, {@link SymbolVocab#SIZE}) (targets may be −100), masks in {0, 1} and labels in
 * [0, {@link ClassificationFamily#MAX_CLASSES}), so that no batch can fail inside a mixed forward pass.
 */
public final class SequenceBatches {
    private SequenceBatches() {}

    public static LinkedHashMap<String, Tensor> encode(Batch b) {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        if (b instanceof Batch.Classification c) {
            m.put("tokens", t(c.data().tokens()));
            m.put("mask", t(c.data().mask()));
            m.put("labels", t(new int[][] {c.data().labels()}).reshape(c.data().labels().length));
        } else if (b instanceof Batch.Lm l) {
            m.put("inputs", t(l.data().inputs()));
            m.put("targets", t(l.data().targets()));
            m.put("mask", t(l.data().mask()));
        } else if (b instanceof Batch.Seq2Seq s) {
            m.put("src", t(s.data().src()));
            m.put("src_mask", t(s.data().srcMask()));
            m.put("tgt_in", t(s.data().tgtIn()));
            m.put("tgt_out", t(s.data().tgtOut()));
            m.put("tgt_mask", t(s.data().tgtMask()));
        } else {
            throw new IllegalArgumentException("no wire form for " + b.getClass().getSimpleName());
        }
        return m;
    }

    /** A checked batch of {@code family} from the wire, at most {@code maxRows} rows. */
    public static Batch decode(Map<String, Tensor> t, int maxRows, TaskFamily<?> family) {
        if (family instanceof ClassificationFamily c) {
            names(t, "tokens", "mask", "labels");
            int rows = rows(t.get("labels"), maxRows);
            return new Batch.Classification(new ClassificationBatch(ids(t, "tokens", rows, c.seqLen(), false),
                    bits(t, "mask", rows, c.seqLen()),
                    ints(t.get("labels"), "labels", 0, ClassificationFamily.MAX_CLASSES)));
        }
        if (family instanceof LmFamily l) {
            names(t, "inputs", "targets", "mask");
            int rows = rows(t.get("inputs"), maxRows);
            return new Batch.Lm(new LmBatch(ids(t, "inputs", rows, l.seqLen(), false),
                    ids(t, "targets", rows, l.seqLen(), true), bits(t, "mask", rows, l.seqLen())));
        }
        if (family instanceof Seq2SeqFamily s) {
            names(t, "src", "src_mask", "tgt_in", "tgt_out", "tgt_mask");
            int rows = rows(t.get("src"), maxRows);
            return new Batch.Seq2Seq(new Seq2SeqBatch(ids(t, "src", rows, s.srcLen(), false),
                    bits(t, "src_mask", rows, s.srcLen()),
                    ids(t, "tgt_in", rows, s.tgtLen(), false), ids(t, "tgt_out", rows, s.tgtLen(), true),
                    bits(t, "tgt_mask", rows, s.tgtLen())));
        }
        throw new IllegalArgumentException("no wire form for the family " + family.getClass().getSimpleName());
    }

    private static Tensor t(int[][] a) {
        int rows = a.length, cols = rows == 0 ? 0 : a[0].length;
        double[] flat = new double[rows * cols];
        for (int r = 0; r < rows; r++) for (int j = 0; j < cols; j++) flat[r * cols + j] = a[r][j];
        return Tensor.of(flat, rows, cols);
    }

    private static void names(Map<String, Tensor> t, String... expected) {
        if (!t.keySet().equals(new java.util.HashSet<>(List.of(expected)))) {
            throw new IllegalArgumentException("batch: expected tensors " + List.of(expected) + ", got " + t.keySet());
        }
        for (Map.Entry<String, Tensor> e : t.entrySet()) {
            if (e.getValue().dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException("batch: " + e.getKey() + " must be float64");
            }
        }
    }

    private static int rows(Tensor t, int maxRows) {
        int rows = t.rank() == 0 ? 0 : t.dim(0);
        if (rows < 1 || rows > maxRows) {
            throw new IllegalArgumentException("batch: " + rows + " rows, expected 1.." + maxRows);
        }
        return rows;
    }

    /** Token ids [rows, len] in [0, vocab) (or −100 where {@code targets}). */
    private static int[][] ids(Map<String, Tensor> t, String name, int rows, int len, boolean targets) {
        int[][] a = matrix(t.get(name), name, rows, len);
        for (int[] row : a) {
            for (int v : row) {
                if ((v < 0 || v >= SymbolVocab.SIZE) && !(targets && v == SymbolVocab.IGNORE_INDEX)) {
                    throw new IllegalArgumentException("batch: " + name + " holds " + v + ", not a token id");
                }
            }
        }
        return a;
    }

    private static int[][] bits(Map<String, Tensor> t, String name, int rows, int len) {
        int[][] a = matrix(t.get(name), name, rows, len);
        for (int[] row : a) {
            for (int v : row) {
                if (v != 0 && v != 1) throw new IllegalArgumentException("batch: " + name + " holds " + v);
            }
        }
        return a;
    }

    private static int[][] matrix(Tensor x, String name, int rows, int len) {
        if (x.rank() != 2 || x.dim(0) != rows || x.dim(1) != len) {
            throw new IllegalArgumentException("batch: " + name + " is " + Arrays.toString(x.shape()) + ", expected ["
                    + rows + ", " + len + "]");
        }
        int[][] a = new int[rows][len];
        for (int r = 0; r < rows; r++) for (int j = 0; j < len; j++) a[r][j] = integral(x.getFlat(r * len + j), name);
        return a;
    }

    private static int[] ints(Tensor x, String name, int lo, int hi) {
        int[] a = new int[x.dim(0)];
        if (x.rank() != 1) throw new IllegalArgumentException("batch: " + name + " must be [rows]");
        for (int i = 0; i < a.length; i++) {
            a[i] = integral(x.getFlat(i), name);
            if (a[i] < lo || a[i] >= hi) throw new IllegalArgumentException("batch: " + name + " holds " + a[i]);
        }
        return a;
    }

    private static int integral(double v, String name) {
        if (!(v == Math.rint(v)) || Math.abs(v) > 1 << 20) {
            throw new IllegalArgumentException("batch: " + name + " holds " + v);
        }
        return (int) v;
    }
}
