package cola4j.tensor.io;

import cola4j.tensor.Tensor;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The contents of a safetensors file.
 *
 * @param tensors  the floating-point tensors by name, in header order (for files written by {@link Safetensors}, the
 *                 writer's map order); F32 and F64 keep their dtype, F16 and BF16 are widened to float32
 * @param metadata the {@code __metadata__} string map (empty if absent), in header order
 * @param raw      the entries of a non-float dtype (integers, BOOL; {@link RawTensor}) by name, in header order; a
 *                 name is in {@code tensors} or in {@code raw}, never both
 */
public record SafetensorsFile(LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata,
                              LinkedHashMap<String, RawTensor> raw) {
    public SafetensorsFile {
        if (raw == null) raw = new LinkedHashMap<>();
        for (String k : raw.keySet()) {
            if (tensors.containsKey(k)) throw new IllegalArgumentException("safetensors: '" + k + "' named twice");
        }
    }

    /**
     * The float tensors of a file that must hold nothing else (cola4j's own checkpoints, messages): an integer/BOOL
     * entry is an IOException naming {@code what} (the file), the entry and its dtype.
     */
    public LinkedHashMap<String, Tensor> floatTensors(Object what) throws IOException {
        if (!raw.isEmpty()) {
            Map.Entry<String, RawTensor> e = raw.entrySet().iterator().next();
            throw new IOException(what + ": tensor '" + e.getKey() + "' has dtype " + e.getValue().dtype()
                    + "; only F32, F64, F16 and BF16 tensors are read here");
        }
        return tensors;
    }

    /** A file of floating-point tensors only. */
    public SafetensorsFile(LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata) {
        this(tensors, metadata, new LinkedHashMap<>());
    }
}
