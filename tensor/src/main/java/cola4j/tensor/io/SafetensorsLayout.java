package cola4j.tensor.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a safetensors file's header says, for tools that show it ({@code cola inspect}): each tensor's name, dtype tag,
 * shape and data offsets, the {@code __metadata__} map, the header length and the data section's start. {@link #read}
 * validates the whole file exactly as {@link Safetensors#read} does (header rules and the data bytes), so a layout is
 * only returned for a file the reader accepts; otherwise the reader's {@link SafetensorsException} is thrown.
 *
 * @param headerBytes length N of the JSON header (the 8-byte length field not included)
 * @param dataStart   file offset of the data section: 8 + N
 * @param fileBytes   file size
 * @param tensors     the entries in header order
 * @param metadata    the {@code __metadata__} strings in header order (empty when absent)
 */
public record SafetensorsLayout(long headerBytes, long dataStart, long fileBytes, List<TensorInfo> tensors,
                                Map<String, String> metadata) {
    /**
     * One header entry.
     *
     * @param name  tensor name
     * @param dtype the dtype tag as stored: F32, F64, F16, BF16 or an integer/BOOL tag of {@link RawTensor#SIZES}
     * @param shape dimensions
     * @param begin first byte, relative to the data section
     * @param end   one past the last byte, relative to the data section
     */
    public record TensorInfo(String name, String dtype, List<Integer> shape, long begin, long end) {}

    /** Reads and validates {@code file} (see the class comment); the exception names the file and the rule. */
    public static SafetensorsLayout read(Path file) throws IOException {
        Safetensors.read(file); // size limit and every rule, data included; SafetensorsException naming the file
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        long n = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
        SafetensorsHeader.Parsed p = SafetensorsHeader.parse(bytes, 8, (int) n, bytes.length - 8 - n);
        List<TensorInfo> ts = new ArrayList<>();
        for (SafetensorsHeader.Entry e : p.entries()) {
            List<Integer> shape = new ArrayList<>();
            for (int d : e.shape()) shape.add(d);
            ts.add(new TensorInfo(e.name(), e.tag(), List.copyOf(shape), e.begin(), e.end()));
        }
        return new SafetensorsLayout(n, 8 + n, bytes.length, List.copyOf(ts),
                java.util.Collections.unmodifiableMap(p.metadata()));
    }
}
