package cola4j.tensor.io;

import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The contents of a safetensors file.
 *
 * @param tensors  tensors by name, in header order (for files written by {@link Safetensors}, the writer's map order);
 *                 F32 and F64 keep their dtype, F16 and BF16 are widened to float32
 * @param metadata the {@code __metadata__} string map (empty if absent), in header order
 */
public record SafetensorsFile(LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata) {}
