package cola4j.gl.app.ftaas;

import cola4j.tensor.DType;
import cola4j.tensor.io.StorageType;

/**
 * Element type of the adaptation data on the wire (server → user). Parameters and deltas (user → server) always
 * travel in their own dtype.
 *
 * <ul>
 *   <li>{@link #NATIVE}: the model's dtype (float32 → 4 bytes per element, float64 → 8), bit-exact;</li>
 *   <li>{@link #BF16}: bfloat16, 2 bytes, rounded to nearest-even: per element |x̃ − x| ≤ 2⁻⁸·|x| (8
 *       significant bits), decoded exactly to float32 and converted to the model dtype on arrival.</li>
 * </ul>
 */
public enum TransferDtype {
    NATIVE,
    BF16;

    /** Parses {@code float32} / {@code native} / {@code bf16}. */
    public static TransferDtype parse(String s) {
        return switch (s) {
            case "float32", "native", "float64" -> NATIVE;
            case "bf16", "bfloat16" -> BF16;
            default -> throw new IllegalArgumentException("unknown transfer dtype '" + s
                    + "': expected float32 or bf16");
        };
    }

    /** The safetensors storage type. */
    public StorageType storage() {
        return this == BF16 ? StorageType.BF16 : StorageType.NATIVE;
    }

    /** Bytes per element on the wire for a model of {@code dtype}. */
    public int bytesPerElement(DType dtype) {
        return this == BF16 ? 2 : dtype.bytes;
    }

    public String cliName() {
        return this == BF16 ? "bf16" : "float32";
    }
}
