package cola4j.tensor.io;

import cola4j.tensor.DType;

/**
 * Element type written to a safetensors byte section by {@link Safetensors#encode}.
 *
 * <p>Conversions: {@link #NATIVE} stores each tensor in its own dtype (bit-exact); {@link #F32} rounds float64
 * to nearest-even (Java's cast); {@link #F64} widens float32 exactly; {@link #BF16} and {@link #F16} round to
 * nearest-even directly from the tensor's value (no double rounding through float32). Reading converts BF16
 * and F16 to float32, which is exact.
 */
public enum StorageType {
    /** each tensor's own dtype: float32 as "F32", float64 as "F64" */
    NATIVE(null, 0),
    /** IEEE binary32, 4 bytes */
    F32("F32", 4),
    /** IEEE binary64, 8 bytes */
    F64("F64", 8),
    /** bfloat16 (1 sign, 8 exponent, 7 mantissa bits), 2 bytes */
    BF16("BF16", 2),
    /** IEEE binary16 (1 sign, 5 exponent, 10 mantissa bits), 2 bytes */
    F16("F16", 2);

    /** dtype tag in the header; null for NATIVE */
    final String tag;
    /** bytes per element; 0 for NATIVE */
    final int bytes;

    StorageType(String tag, int bytes) {
        this.tag = tag;
        this.bytes = bytes;
    }

    /** The concrete storage for a tensor of {@code dtype}: NATIVE resolves to F32 or F64. */
    StorageType resolve(DType dtype) {
        if (this != NATIVE) return this;
        return dtype == DType.FLOAT64 ? F64 : F32;
    }

    /** The storage type with header tag {@code tag}, or null if this reader does not know it. */
    static StorageType ofTag(String tag) {
        for (StorageType s : values()) if (s != NATIVE && s.tag.equals(tag)) return s;
        return null;
    }
}
