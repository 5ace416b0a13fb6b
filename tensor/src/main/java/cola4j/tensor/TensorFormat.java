package cola4j.tensor;

/** Human-readable printing: small tensors in full (nested brackets), large ones as a summary. */
final class TensorFormat {
    private TensorFormat() {}

    /** Tensors with at most this many elements are printed in full. */
    static final int FULL = 64;

    static String format(Tensor t) {
        StringBuilder sb = new StringBuilder();
        sb.append("Tensor(").append(t.dtype()).append(", ").append(Shapes.str(t.shape()));
        if (t.numel() <= FULL) {
            sb.append(", ");
            nested(t, 0, 0, sb);
        } else {
            sb.append(String.format(", norm=%.6g, maxAbs=%.6g", t.norm(), t.maxAbs()));
        }
        return sb.append(')').toString();
    }

    private static int nested(Tensor t, int axis, int flat, StringBuilder sb) {
        int[] shape = t.shape();
        if (axis == shape.length) {
            sb.append(String.format("%.6g", t.getFlat(flat)));
            return flat + 1;
        }
        sb.append('[');
        for (int i = 0; i < shape[axis]; i++) {
            if (i > 0) sb.append(", ");
            flat = nested(t, axis + 1, flat, sb);
        }
        sb.append(']');
        return flat;
    }
}
