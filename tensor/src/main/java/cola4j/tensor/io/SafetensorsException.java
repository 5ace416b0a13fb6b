package cola4j.tensor.io;

import java.io.IOException;

/** A safetensors file or buffer that violates the format; {@link #kind()} says which rule. */
public final class SafetensorsException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The violated rule. */
    public enum Kind {
        /** fewer than 8 bytes, or the header length points past the end of the input */
        TRUNCATED,
        /** header length above {@link Safetensors#MAX_HEADER_BYTES} */
        HEADER_TOO_LARGE,
        /** the input does not fit in one Java array (2 GiB); this reader loads whole files */
        FILE_TOO_LARGE,
        /**
         * header is not valid UTF-8 JSON: malformed UTF-8 (overlong forms, encoded surrogates, code points above
         * U+10FFFF), an unpaired surrogate in a key or string (escaped ones too), duplicate keys, trailing garbage
         */
        INVALID_JSON,
        /**
         * JSON is well formed but not a safetensors header (not an object, missing/ill-typed fields, bad __metadata__)
         */
        INVALID_HEADER,
        /** dtype tag other than F32, F64, F16, BF16 and the integer/BOOL tags of {@link RawTensor#SIZES} */
        UNKNOWN_DTYPE,
        /** shape not an array of non-negative integers, or more than 2^31-1 elements */
        INVALID_SHAPE,
        /** data_offsets not two non-negative integers with begin ≤ end */
        INVALID_OFFSETS,
        /** data_offsets end beyond the data section */
        OFFSETS_OUT_OF_BOUNDS,
        /** two tensors' byte ranges overlap */
        OVERLAPPING_OFFSETS,
        /** end − begin ≠ product(shape) × dtype size */
        SIZE_MISMATCH,
        /** bytes of the data section not covered by any tensor (a hole or trailing bytes) */
        DATA_NOT_COVERED
    }

    private final Kind kind;
    private final String detail;

    /** Message format: {@code "safetensors KIND: detail"}. */
    public SafetensorsException(Kind kind, String detail) {
        this(kind, detail, null);
    }

    public SafetensorsException(Kind kind, String detail, Throwable cause) {
        super("safetensors " + kind + ": " + detail, cause);
        this.kind = kind;
        this.detail = detail;
    }

    /** The message without the kind prefix. */
    public String detail() {
        return detail;
    }

    /** Which rule the input broke. */
    public Kind kind() {
        return kind;
    }
}
