package cola4j.gl.app.cli;

import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.RawTensor;
import cola4j.tensor.io.Safetensors;
import cola4j.tensor.io.SafetensorsFile;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inputs of {@code cola forward}: named 2-D arrays from a JSON object ({@code {"input_ids": [[...], ...],
 * "attention_mask": [[...]]}}) or from a safetensors file (tensors of any float dtype, or of an integer dtype such as
 * PyTorch's I64 ids). Known names:
 * {@code input_ids}, {@code attention_mask}, {@code token_type_ids}, {@code decoder_input_ids} (integers) and, for
 * the MLP preset, {@code inputs} [B, D] (reals). Anything else, a ragged or non-integral id array, or a missing file
 * is an {@link IOException} naming the file and the entry.
 */
record ForwardInputs(Map<String, double[][]> arrays) {
    static final List<String> INTEGER_NAMES = List.of("input_ids", "attention_mask", "token_type_ids",
            "decoder_input_ids");
    static final String REAL_NAME = "inputs";

    /** Reads {@code file}: {@code .safetensors} by its tensors, anything else as JSON. */
    static ForwardInputs read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("--input " + file + ": no such file");
        Map<String, double[][]> m = new LinkedHashMap<>();
        if (file.getFileName().toString().endsWith(".safetensors")) {
            SafetensorsFile f = Safetensors.read(file);
            for (Map.Entry<String, RawTensor> e : f.raw().entrySet()) { // I64 input_ids as PyTorch writes them
                int[] s = e.getValue().shape();
                if (s.length != 2) {
                    throw new IOException(file + ": tensor " + e.getKey() + " must be 2-D [B, T], got rank "
                            + s.length);
                }
                long[] v = e.getValue().toLongArray();
                double[][] rows = new double[s[0]][s[1]];
                for (int i = 0; i < v.length; i++) {
                    if (Math.abs(v[i]) > (1L << 31)) throw new IOException(file + ": " + e.getKey() + " value " + v[i]);
                    rows[i / s[1]][i % s[1]] = v[i];
                }
                m.put(e.getKey(), rows);
            }
            for (Map.Entry<String, Tensor> e : f.tensors().entrySet()) {
                Tensor t = e.getValue();
                if (t.rank() != 2) {
                    throw new IOException(file + ": tensor " + e.getKey() + " must be 2-D [B, T], got rank "
                            + t.rank());
                }
                double[] flat = t.to(DType.FLOAT64).toDoubleArray();
                double[][] rows = new double[t.dim(0)][t.dim(1)];
                for (int i = 0; i < rows.length; i++) System.arraycopy(flat, i * t.dim(1), rows[i], 0, t.dim(1));
                m.put(e.getKey(), rows);
            }
        } else {
            JsonNode root;
            try {
                root = new ObjectMapper().readTree(Files.readString(file));
            } catch (JsonProcessingException e) {
                throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage());
            }
            if (root == null || !root.isObject()) throw new IOException(file + ": expected a JSON object of arrays");
            var it = root.fields();
            while (it.hasNext()) {
                var e = it.next();
                m.put(e.getKey(), rows(file, e.getKey(), e.getValue()));
            }
        }
        for (String k : m.keySet()) {
            if (!INTEGER_NAMES.contains(k) && !k.equals(REAL_NAME)) {
                throw new IOException(file + ": unknown entry '" + k + "' (known: " + INTEGER_NAMES + ", " + REAL_NAME
                        + ")");
            }
        }
        return new ForwardInputs(m);
    }

    private static double[][] rows(Path file, String key, JsonNode v) throws IOException {
        if (!v.isArray() || v.size() == 0) throw new IOException(file + ": '" + key + "' must be a non-empty [B][T]");
        double[][] r = new double[v.size()][];
        for (int i = 0; i < v.size(); i++) {
            JsonNode row = v.get(i);
            if (!row.isArray() || row.size() != v.get(0).size() || row.size() == 0) {
                throw new IOException(file + ": '" + key + "' row " + i
                        + " must be a non-empty array as long as row 0");
            }
            r[i] = new double[row.size()];
            for (int j = 0; j < row.size(); j++) {
                if (!row.get(j).isNumber()) throw new IOException(file + ": '" + key + "'[" + i + "][" + j
                        + "] is not a number");
                r[i][j] = row.get(j).doubleValue();
            }
        }
        return r;
    }

    /** The integer array {@code name} [B][T], or null when absent. */
    int[][] ids(String name) throws IOException {
        double[][] d = arrays.get(name);
        if (d == null) return null;
        int[][] r = new int[d.length][d[0].length];
        for (int i = 0; i < d.length; i++) {
            for (int j = 0; j < d[i].length; j++) {
                double v = d[i][j];
                if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
                    throw new IOException("--input: " + name + "[" + i + "][" + j + "] = " + v + " is not an integer");
                }
                r[i][j] = (int) v;
            }
        }
        return r;
    }

    /** Like {@link #ids} but required. */
    int[][] required(String name, String forWhat) throws IOException {
        int[][] r = ids(name);
        if (r == null) throw new IOException("--input: '" + name + "' is required for " + forWhat);
        return r;
    }

    /** The real array {@code inputs} [B, D] as a tensor of {@code dtype}. */
    Tensor reals(DType dtype) throws IOException {
        double[][] d = arrays.get(REAL_NAME);
        if (d == null) throw new IOException("--input: '" + REAL_NAME + "' [B][D] is required for the mlp model");
        double[] flat = new double[d.length * d[0].length];
        for (int i = 0; i < d.length; i++) System.arraycopy(d[i], 0, flat, i * d[0].length, d[0].length);
        return Tensor.of(flat, d.length, d[0].length).to(dtype);
    }
}
