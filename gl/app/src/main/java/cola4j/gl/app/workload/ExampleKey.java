package cola4j.gl.app.workload;

import java.util.Arrays;

/**
 * The identity of one example's <b>input</b>, as a value: two examples with equal keys are the same example (every
 * built-in label or answer is a deterministic function of the input). Built by {@link Workload#inputKeys}:
 * <ul>
 *   <li>{@code encoder}: the unpadded token row {@code <cls> <task> s1..sn} (mask 1 positions);</li>
 *   <li>{@code decoder}: the unpadded input row {@code <bos> <task> x1..xn <sep> y1..ym} (mask 1 positions; the answer
 *       y is a function of the prompt, so this identifies the prompt {@code <bos> <task> x <sep>});</li>
 *   <li>{@code seq2seq}: the unpadded source {@code <task> x1..xn};</li>
 *   <li>{@code mlp}: the 64 pixel values (as {@link Double#doubleToLongBits} bit patterns).</li>
 * </ul>
 * The task-prefix token is part of every token key, so the same letters under two tasks are two examples.
 *
 * @param values token ids, or pixel bit patterns; compared element-wise ({@link Arrays#equals(long[], long[])})
 */
public record ExampleKey(long[] values) {
    public ExampleKey {
        if (values == null) throw new IllegalArgumentException("ExampleKey: values is null");
        values = values.clone();
    }

    /** A copy of the values. */
    @Override
    public long[] values() {
        return values.clone();
    }

    /** The key of the first {@code length} token ids of {@code row}. */
    public static ExampleKey ofTokens(int[] row, int length) {
        if (length < 0 || length > row.length) {
            throw new IllegalArgumentException("ExampleKey: length " + length + " outside [0, " + row.length + "]");
        }
        long[] v = new long[length];
        for (int i = 0; i < length; i++) v[i] = row[i];
        return new ExampleKey(v);
    }

    /** The key of a feature vector (exact bit patterns: -0.0 and 0.0 differ, as do distinct NaN payloads). */
    public static ExampleKey ofFeatures(double[] x) {
        long[] v = new long[x.length];
        for (int i = 0; i < x.length; i++) v[i] = Double.doubleToLongBits(x[i]);
        return new ExampleKey(v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExampleKey k && Arrays.equals(values, k.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "ExampleKey" + Arrays.toString(values);
    }
}
