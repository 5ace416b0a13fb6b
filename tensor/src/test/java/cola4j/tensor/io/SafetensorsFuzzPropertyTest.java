package cola4j.tensor.io;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Histogram;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * Mutated valid safetensors files: {@link Safetensors#decode} either throws a {@link SafetensorsException} (any other
 * throwable fails the property) or returns a faithful load: every name and metadata entry can be written back, and
 * writing then reading again gives the same names, shapes, dtypes, element bits, integer/BOOL entries (bytes) and
 * metadata; a file whose edits
 * cancelled out loads as written. Every case applies one to four edits (bit flip, byte set, insertion, deletion,
 * truncation, a new header length, a JSON-significant or UTF-8 lead byte in the header).
 *
 * <p>Tries: jqwik's default (1000 per property, a few seconds). The long fuzz run (docs/robustness.md) sets the
 * default on the command line: {@code mvn -B -ntp test -pl tensor -Dtest=SafetensorsFuzzPropertyTest
 * -Djqwik.tries.default=100000}.
 */
class SafetensorsFuzzPropertyTest {
    /** One edit of the file's bytes; positions are fractions of the current length so they fit any file. */
    record Mutation(int kind, double at, int value, int length) {
        byte[] apply(byte[] b) {
            int n = b.length, i = (int) (at * n);
            switch (kind) {
                case 0 -> { // flip one bit
                    if (n == 0) return b;
                    byte[] c = b.clone();
                    c[i] ^= (byte) (1 << (value & 7));
                    return c;
                }
                case 1 -> { // set one byte
                    if (n == 0) return b;
                    byte[] c = b.clone();
                    c[i] = (byte) value;
                    return c;
                }
                case 2 -> { // insert bytes
                    byte[] c = new byte[n + length];
                    System.arraycopy(b, 0, c, 0, i);
                    Arrays.fill(c, i, i + length, (byte) value);
                    System.arraycopy(b, i, c, i + length, n - i);
                    return c;
                }
                case 3 -> { // delete bytes
                    int k = Math.min(length, n - i);
                    byte[] c = new byte[n - k];
                    System.arraycopy(b, 0, c, 0, i);
                    System.arraycopy(b, i + k, c, i, n - i - k);
                    return c;
                }
                case 4 -> { // truncate
                    return Arrays.copyOf(b, i);
                }
                case 5 -> { // change the header length field
                    if (n < 8) return b;
                    byte[] c = b.clone();
                    long len = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                    long[] choices = {len + value % 17 - 8, len * 2, 0, Long.MIN_VALUE, len ^ (1L << (value & 63))};
                    ByteBuffer.wrap(c, 0, 8).order(ByteOrder.LITTLE_ENDIAN)
                            .putLong(choices[Math.floorMod(value, choices.length)]);
                    return c;
                }
                default -> { // overwrite a header byte with a JSON-significant or UTF-8 lead/continuation byte
                    if (n <= 8) return b;
                    byte[] special = {'"', '\\', '{', '}', '[', ']', ',', ':', '-', '0', '9', 'e', ' ', (byte) 0xC0,
                        (byte) 0xED, (byte) 0xF4, (byte) 0xF8, (byte) 0x80, (byte) 0xBF, 'u', 'D', '8'};
                    byte[] c = b.clone();
                    long len = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                    int headerEnd = (int) Math.min(n, 8 + Math.max(0, Math.min(len, n)));
                    int j = 8 + (int) (at * Math.max(1, headerEnd - 8));
                    if (j < n) c[j] = special[Math.floorMod(value, special.length)];
                    return c;
                }
            }
        }
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        return Combinators.combine(Arbitraries.integers().between(0, 6), Arbitraries.doubles().between(0, 1)
                        .filter(d -> d < 1), Arbitraries.integers(), Arbitraries.integers().between(1, 16))
                .as(Mutation::new);
    }

    /** Names: any code points except surrogates (valid Unicode), often ASCII. */
    @Provide
    Arbitrary<String> names() {
        Arbitrary<Integer> cp = Arbitraries.oneOf(Arbitraries.integers().between('a', 'z'),
                Arbitraries.integers().between(0, 0xD7FF), Arbitraries.integers().between(0xE000, 0x10FFFF));
        return cp.list().ofMinSize(1).ofMaxSize(6).map(l -> {
            StringBuilder sb = new StringBuilder();
            l.forEach(sb::appendCodePoint);
            return sb.toString();
        }).filter(s -> !s.equals("__metadata__"));
    }

    @Provide
    Arbitrary<Tensor> tensors() {
        Arbitrary<int[]> shapes = Arbitraries.integers().between(0, 3).list().ofMaxSize(3)
                .map(l -> l.stream().mapToInt(Integer::intValue).toArray());
        return Combinators.combine(shapes, Arbitraries.of(DType.FLOAT32, DType.FLOAT64), Arbitraries.longs())
                .as((shape, dtype, seed) -> {
                    int n = cola4j.tensor.Shapes.numel(shape);
                    java.util.Random r = new java.util.Random(seed);
                    if (dtype == DType.FLOAT64) {
                        double[] d = new double[n];
                        for (int i = 0; i < n; i++) d[i] = Double.longBitsToDouble(r.nextLong());
                        return Tensor.of(d, shape);
                    }
                    float[] f = new float[n];
                    for (int i = 0; i < n; i++) f[i] = Float.intBitsToFloat(r.nextInt());
                    return Tensor.of(f, shape);
                });
    }

    /** Integer/BOOL entries: any spec tag, a shape of at most 3 dimensions below 4, random bytes. */
    @Provide
    Arbitrary<RawTensor> raws() {
        Arbitrary<int[]> shapes = Arbitraries.integers().between(0, 3).list().ofMaxSize(3)
                .map(l -> l.stream().mapToInt(Integer::intValue).toArray());
        return Combinators.combine(Arbitraries.of(RawTensor.TAGS), shapes, Arbitraries.longs())
                .as((tag, shape, seed) -> {
                    byte[] b = new byte[cola4j.tensor.Shapes.numel(shape) * RawTensor.SIZES.get(tag)];
                    new java.util.Random(seed).nextBytes(b);
                    return new RawTensor(tag, shape, b);
                });
    }

    @Property
    @StatisticsReport(label = "kind", format = Histogram.class)
    void mutatedFilesLoadFaithfullyOrFailTyped(@ForAll @Size(max = 3) List<@From("names") String> names,
            @ForAll @Size(max = 3) List<@From("tensors") Tensor> values, @ForAll @Size(max = 2) List<@From("raws")
            RawTensor> raws, @ForAll("names") String metaKey, @ForAll("names") String metaValue,
            @ForAll @Size(min = 1, max = 4) List<@From("mutations") Mutation> edits) throws Exception {
        LinkedHashMap<String, Tensor> ts = new LinkedHashMap<>();
        for (int i = 0; i < Math.min(names.size(), values.size()); i++) ts.put(names.get(i), values.get(i));
        LinkedHashMap<String, RawTensor> rs = new LinkedHashMap<>();
        for (int i = 0; i < raws.size(); i++) rs.put("raw" + i, raws.get(i));
        ts.keySet().removeAll(rs.keySet()); // a generated float name may be "raw0"
        SafetensorsFile written = new SafetensorsFile(ts, Map.of(metaKey, metaValue), rs);
        byte[] original = Safetensors.encode(written, StorageType.NATIVE);
        byte[] bytes = original;
        for (Mutation m : edits) bytes = m.apply(bytes);
        SafetensorsFile loaded;
        try {
            loaded = Safetensors.decode(bytes);
        } catch (SafetensorsException e) {
            assertThat(e.getMessage()).startsWith("safetensors " + e.kind() + ": ");
            Statistics.label("outcome").collect("rejected");
            Statistics.label("kind").collect(e.kind());
            return;
        }
        Statistics.label("outcome").collect(Arrays.equals(bytes, original) ? "loaded unchanged" : "loaded mutated");
        SafetensorsFile again = Safetensors.decode(Safetensors.encode(loaded, StorageType.NATIVE));
        assertSame(again, loaded);
        if (Arrays.equals(bytes, original)) assertSame(loaded, written);
        // not vacuous: some mutated files are refused and some load (e.g. a flipped bit in the data section)
        Statistics.label("outcome").coverage(c -> {
            c.check("rejected").count(n -> n > 0);
            c.check("loaded mutated").count(n -> n > 0);
        });
    }

    static void assertSame(SafetensorsFile a, SafetensorsFile b) {
        assertThat(new ArrayList<>(a.tensors().keySet())).isEqualTo(new ArrayList<>(b.tensors().keySet()));
        assertThat(a.metadata()).isEqualTo(b.metadata());
        assertThat(a.raw()).isEqualTo(b.raw()); // names in order, tags, shapes and bytes
        assertThat(new ArrayList<>(a.raw().keySet())).isEqualTo(new ArrayList<>(b.raw().keySet()));
        for (String k : a.tensors().keySet()) {
            Tensor x = a.tensors().get(k), y = b.tensors().get(k);
            assertThat(x.shape()).isEqualTo(y.shape());
            assertThat(x.dtype()).isEqualTo(y.dtype());
            if (x.dtype() == DType.FLOAT64) {
                assertThat(Arrays.stream(x.toDoubleArray()).mapToLong(Double::doubleToRawLongBits).toArray())
                        .isEqualTo(Arrays.stream(y.toDoubleArray()).mapToLong(Double::doubleToRawLongBits).toArray());
            } else {
                float[] fx = x.toFloatArray(), fy = y.toFloatArray();
                for (int i = 0; i < fx.length; i++) {
                    assertThat(Float.floatToRawIntBits(fx[i])).isEqualTo(Float.floatToRawIntBits(fy[i]));
                }
            }
        }
    }
}
