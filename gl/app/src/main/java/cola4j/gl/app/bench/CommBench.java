package cola4j.gl.app.bench;

import cola4j.gl.AdaptationData;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.Limits;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.ftaas.CompressedTransport;
import cola4j.gl.app.ftaas.GradCompression;
import cola4j.gl.app.io.Io;
import cola4j.tensor.DType;
import cola4j.gl.app.io.Table;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.cola.ColaServer;
import cola4j.gl.cola.LossFunction;
import cola4j.gl.cola.RowRouting;
import cola4j.models.DecoderLM;
import cola4j.models.site.Site;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import cola4j.tensor.io.StorageType;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola bench comm}: bytes of the adaptation data one ColA server pass sends to the user, as a safetensors
 * message ({@link Safetensors#encode}; tensors {@code <site>/x} [rows, in] and {@code <site>/grad_h} [rows, out]),
 * in float32 and in bfloat16 ({@link StorageType#BF16}). Starting from the base point (the {@link LmShape}'s B
 * and T, every adapted site: query and value of every block) one of batch size, sequence length and number of
 * sites varies at a time. The data comes from real passes of the model (ColA unmerged, one user).
 *
 * <p>Each row splits the message into the payload (tensor bytes) and the header (8-byte length + JSON), and puts
 * the analytic payload beside it: Σ_sites rows × (in + out) × dtype size, rows = B·T. payload == analytic exactly.
 * With {@code --compress topk:K,proj:M} each pass also gets a row per codec (dL/dh compressed, float32; analytic
 * Σ_sites rows × (in + c) × 4, c from {@link GradCompression#elementsPerRow}).
 *
 * <p>Speed of the codec on each row's message: encode = {@link Safetensors#encode} of the tensors (from their
 * storage to the message bytes), decode = {@link Safetensors#decode} of the message (to tensors); bytes/s = message
 * length (payload + header) / median seconds per call ({@link Timing#medianSeconds}: {@code --warmup-ms} of warm-up,
 * then {@code --reps} samples of ≥ 20 ms). These are the functions under both transports ({@code WireFormat}).
 */
public final class CommBench extends BenchCommand<CommBench.Row> {
    /**
     * One message size.
     *
     * @param vary          which quantity this row varies: batch, seq or sites
     * @param batch         B
     * @param seq           T
     * @param sites         adapted sites
     * @param dtype         float32 or bf16 (transfer storage)
     * @param payloadBytes  tensor bytes of the message
     * @param headerBytes   8 + header JSON length
     * @param analyticBytes Σ_sites B·T·(in + out)·size
     * @param encodeBytesPerS message bytes / median seconds of one encode
     * @param decodeBytesPerS message bytes / median seconds of one decode
     */
    @JsonPropertyOrder({"vary", "batch", "seq", "sites", "dtype", "payload_bytes", "header_bytes", "analytic_bytes",
        "encode_bytes_per_s", "decode_bytes_per_s"})
    public record Row(@JsonProperty("vary") String vary, @JsonProperty("batch") int batch, @JsonProperty("seq") int seq,
                      @JsonProperty("sites") int sites, @JsonProperty("dtype") String dtype,
                      @JsonProperty("payload_bytes") long payloadBytes, @JsonProperty("header_bytes") long headerBytes,
                      @JsonProperty("analytic_bytes") long analyticBytes,
                      @JsonProperty("encode_bytes_per_s") double encodeBytesPerS,
                      @JsonProperty("decode_bytes_per_s") double decodeBytesPerS) {}

    /** How each message's encode and decode are timed. */
    private record Speed(int reps, long warmupNanos) {
        /** {encode, decode} bytes/s of {@code msg} stored as {@code st}, whose message is {@code bytes}. */
        double[] of(Map<String, Tensor> msg, StorageType st, byte[] bytes) {
            double enc = Timing.medianSeconds(() -> Safetensors.encode(msg, Map.of(), st), 1, warmupNanos, reps,
                    MIN_SAMPLE_NANOS);
            double dec = Timing.medianSeconds(() -> decode(bytes), 1, warmupNanos, reps, MIN_SAMPLE_NANOS);
            return new double[] {bytes.length / enc, bytes.length / dec};
        }

        private static Object decode(byte[] bytes) {
            try {
                return Safetensors.decode(bytes);
            } catch (cola4j.tensor.io.SafetensorsException e) {
                throw new IllegalStateException("bench comm: its own message failed to decode", e);
            }
        }
    }

    private static final long MIN_SAMPLE_NANOS = 20_000_000L;
    private static final int DEFAULT_WARMUP_MS = 200;

    @Override
    public String name() {
        return "comm";
    }

    @Override
    public String description() {
        return "adaptation bytes per step (safetensors, float32 and bf16) vs batch size, sequence length and sites, "
                + "with the analytic value";
    }

    @Override
    protected void addOptions(Options o) {
        o.addOption(Option.builder().longOpt("quick")
                .desc("Tiny model (for tests), instead of the reference shape").build());
        o.addOption(Option.builder().longOpt("compress").hasArg().argName("C1,C2,...")
                .desc("Also dL/dh compressed by each codec, topk:K or proj:M (float32 values; see ftaas --compress)")
                .build());
        o.addOption(Option.builder().longOpt("reps").hasArg().argName("N")
                .desc("Timed samples of each message's encode and decode; medians are reported (default 5, "
                        + "--quick 1)").build());
        o.addOption(Option.builder().longOpt("warmup-ms").hasArg().argName("MS")
                .desc("Warm-up time of each encode and decode (default " + DEFAULT_WARMUP_MS + ", --quick 0)").build());
    }

    @Override
    public List<Row> measure(CommandLine cl, Io io) {
        LmShape shape = StepBench.shape(cl);
        DecoderLM model = shape.model(StepBench.MODEL_SEED);
        List<Site> all = model.sites(LmShape.SITES);
        int b0 = shape.batch(), t0 = shape.seqLen(), n0 = all.size();
        List<GradCompression> codecs = codecs(cl);
        boolean quick = cl.hasOption("quick");   // tests: one sample, no warm-up
        Speed speed = new Speed(Args.intValue(cl, "reps", quick ? 1 : 5, 1, Limits.MAX_REPS),
                Args.intValue(cl, "warmup-ms", quick ? 0 : DEFAULT_WARMUP_MS, 0, Limits.MAX_WARMUP_MS) * 1_000_000L);
        List<Row> rows = new ArrayList<>();
        for (int b : halvings(b0 * 2)) rows.addAll(point("batch", model, all, shape, b, t0, n0, codecs, speed));
        for (int t : halvings(t0)) rows.addAll(point("seq", model, all, shape, b0, t, n0, codecs, speed));
        for (int n : halvings(n0)) rows.addAll(point("sites", model, all, shape, b0, t0, n, codecs, speed));
        io.err().println("comm: " + rows.size() / (2 + codecs.size()) + " passes (" + shape + ")");
        return rows;
    }

    /** v, v/2, v/4, … down to 1 (at most 4 values), ascending. */
    static List<Integer> halvings(int v) {
        List<Integer> out = new ArrayList<>();
        for (int x = v; x >= 1 && out.size() < 4; x /= 2) out.add(0, x);
        return out;
    }

    /** The codecs of {@code --compress} (comma-separated; none when absent); a usage error for a bad one. */
    static List<GradCompression> codecs(CommandLine cl) {
        if (!cl.hasOption("compress")) return List.of();
        List<GradCompression> out = new ArrayList<>();
        for (String s : cl.getOptionValue("compress").split(",", -1)) {
            try {
                out.add(GradCompression.parse(s.trim(), StepBench.MODEL_SEED));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--compress: " + e.getMessage());
            }
        }
        return out;
    }

    /** One server pass at (B, T, first n sites); its message in float32 and bf16, and compressed by each codec. */
    private static List<Row> point(String vary, DecoderLM model, List<Site> all, LmShape shape, int b, int t, int n,
            List<GradCompression> codecs, Speed speed) {
        List<Site> sites = all.subList(0, n);
        ColaServer server = new ColaServer(model, sites);
        Map<Integer, Map<String, AuxiliaryModel>> aux = Map.of(0, new LinkedHashMap<>(LmShape.auxiliaries(sites, 0)));
        int[][][] batch = shape.withBatch(b).withSeqLen(t).batch(StepBench.BATCH_SEED);
        LossFunction loss = ctx -> model.loss(batch[0], batch[1], ctx);
        List<AdaptationData> data = server.pass(loss, aux, RowRouting.single(0, b), ColaMode.UNMERGED, null)
                .dataByUser().get(0);
        Map<String, Tensor> msg = new LinkedHashMap<>();
        for (AdaptationData d : data) {
            msg.put(d.site() + "/x", d.x());
            msg.put(d.site() + "/grad_h", d.gradH());
        }
        List<Row> out = new ArrayList<>();
        for (StorageType st : List.of(StorageType.F32, StorageType.BF16)) {
            byte[] bytes = Safetensors.encode(msg, Map.of(), st);
            long header = 8 + ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            double[] v = speed.of(msg, st, bytes);
            out.add(new Row(vary, b, t, n, st == StorageType.F32 ? "float32" : "bf16", bytes.length - header, header,
                    analytic(sites, (long) b * t, st == StorageType.F32 ? 4 : 2), v[0], v[1]));
        }
        for (GradCompression c : codecs) {
            Map<String, Tensor> z = new LinkedHashMap<>();
            for (int i = 0; i < data.size(); i++) {
                AdaptationData d = data.get(i);
                z.put(d.site() + "/x", d.x());
                z.putAll(c.encode(d.site() + "/", d.gradH(), c.streamSeed(0, 0, i)));
            }
            byte[] bytes = Safetensors.encode(z, Map.of(), StorageType.F32);
            long header = 8 + ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            double[] v = speed.of(z, StorageType.F32, bytes);
            out.add(new Row(vary, b, t, n, c.spec(), bytes.length - header, header,
                    CompressedTransport.downPayloadPerStep(sites, 1, b * t, 1, c, DType.FLOAT32), v[0], v[1]));
        }
        return out;
    }

    /** Σ_sites rows × (in + out) × bytes per element. */
    static long analytic(List<Site> sites, long rows, int elementBytes) {
        long s = 0;
        for (Site site : sites) s += rows * (site.inFeatures() + site.outFeatures()) * elementBytes;
        return s;
    }

    @Override
    protected Table table(List<Row> rows) {
        Table t = new Table("vary", "B", "T", "sites", "dtype", "payload bytes", "analytic bytes", "header bytes",
                "payload == analytic", "encode MB/s", "decode MB/s");
        for (Row r : rows) {
            t.row(r.vary(), Integer.toString(r.batch()), Integer.toString(r.seq()), Integer.toString(r.sites()),
                    r.dtype(),
                    Long.toString(r.payloadBytes()), Long.toString(r.analyticBytes()), Long.toString(r.headerBytes()),
                    r.payloadBytes() == r.analyticBytes() ? "yes" : "NO",
                    String.format("%.0f", r.encodeBytesPerS() / 1e6), String.format("%.0f", r.decodeBytesPerS() / 1e6));
        }
        return t;
    }
}
