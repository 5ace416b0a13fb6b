package cola4j.tensor;

/**
 * Element type of a {@link Tensor}. Only two are supported: float32 for speed, float64 for checking.
 * Conversion between them is always explicit ({@link Tensor#to(DType)}); mixing them in one op throws.
 */
public enum DType {
    /** IEEE-754 binary32; storage is a {@code float[]}. */
    FLOAT32(4, "F32", "float32"),
    /** IEEE-754 binary64; storage is a {@code double[]}. */
    FLOAT64(8, "F64", "float64");

    /** bytes per element */
    public final int bytes;
    /** dtype tag used in safetensors headers */
    public final String safetensorsTag;
    /** name used on the command line and in JSON */
    public final String cliName;

    DType(int bytes, String safetensorsTag, String cliName) {
        this.bytes = bytes;
        this.safetensorsTag = safetensorsTag;
        this.cliName = cliName;
    }

    /** Parses {@code float32|float64|f32|f64} (case-insensitive); throws with the accepted names otherwise. */
    public static DType parse(String s) {
        for (DType d : values()) {
            if (d.cliName.equalsIgnoreCase(s) || d.safetensorsTag.equalsIgnoreCase(s)) return d;
        }
        throw new IllegalArgumentException("unknown dtype '" + s + "': expected float32 or float64");
    }

    @Override
    public String toString() {
        return cliName;
    }
}
