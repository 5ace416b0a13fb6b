package cola4j.gl.app.ftaas;

import cola4j.gl.AdaptationData;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import cola4j.tensor.io.StorageType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-process {@link Transport} whose down messages carry dL/dh compressed by a {@link GradCompression}
 * ({@code --compress topk:K|proj:M}); x travels unchanged. Down message of one batch (site i = 0, 1, …), a
 * safetensors file in the model dtype (metadata kind = adaptation_data_compressed, codec = the spec):
 * <pre>
 *   i/&lt;site&gt;/x            [rows, in] (ids [rows])
 *   topk:  i/&lt;site&gt;/grad_h [rows, k], i/&lt;site&gt;/grad_h_idx [rows, k]   (2k ≥ out: grad_h dense)
 *   proj:  i/&lt;site&gt;/grad_h_proj [rows, m]
 * </pre>
 * payload = Σ_sites rows · (in + c_site) · dtype bytes, c = {@link GradCompression#elementsPerRow}. The receiver
 * rebuilds ĝ from the tensors, the site's width {@code out} and the stream seed of (user, message number, site),
 * counted on both ends. Up messages go through an {@link InProcessTransport} unchanged. Bytes are counted from the
 * encoded messages as there. An addition beside {@link InProcessTransport}, which it does not change.
 */
public final class CompressedTransport implements Transport {
    /** Metadata kind of a compressed down message. */
    public static final String KIND = "adaptation_data_compressed";

    private final GradCompression codec;
    private final DType dtype;
    private final Map<String, Integer> outWidths;
    private final InProcessTransport up;
    private final Map<Integer, Long> messages = new HashMap<>();
    private long downPayload, downHeader, downMessages, nanos;

    /**
     * @param codec     how dL/dh is compressed
     * @param dtype     the model dtype (x and the sent values are stored in it)
     * @param outWidths site name → out (dL/dh width), known to both ends from the site shapes
     */
    public CompressedTransport(GradCompression codec, DType dtype, Map<String, Integer> outWidths) {
        this.codec = codec;
        this.dtype = dtype;
        this.outWidths = Map.copyOf(outWidths);
        this.up = new InProcessTransport(TransferDtype.NATIVE, dtype);
    }

    @Override
    public synchronized List<AdaptationData> down(int user, List<AdaptationData> data) {
        long t0 = System.nanoTime();
        long message = messages.merge(user, 1L, Long::sum) - 1;
        LinkedHashMap<String, Tensor> msg = new LinkedHashMap<>();
        for (int i = 0; i < data.size(); i++) {
            AdaptationData d = data.get(i);
            String prefix = i + "/" + d.site() + "/";
            msg.put(prefix + "x", d.x());
            msg.putAll(codec.encode(prefix, d.gradH(), codec.streamSeed(user, message, i)));
        }
        byte[] bytes = Safetensors.encode(msg, Map.of("kind", KIND, "codec", codec.spec(), "user",
                Integer.toString(user)), StorageType.NATIVE);
        long header = WireFormat.headerBytes(bytes);
        downPayload += bytes.length - header;
        downHeader += header;
        downMessages++;
        List<AdaptationData> out = decode(bytes, user, message);
        nanos += System.nanoTime() - t0;
        return out;
    }

    /** The receiver's side: the adaptation data of one message, ĝ rebuilt site by site. */
    private List<AdaptationData> decode(byte[] bytes, int user, long message) {
        LinkedHashMap<String, Tensor> t = WireFormat.decode(bytes, KIND);
        List<AdaptationData> out = new ArrayList<>();
        for (int i = 0; ; i++) {
            String prefix = i + "/", xName = null;
            for (String n : t.keySet()) if (n.startsWith(prefix) && n.endsWith("/x")) xName = n;
            if (xName == null) break;
            String site = xName.substring(prefix.length(), xName.length() - 2);
            Integer width = outWidths.get(site);
            if (width == null) throw new IllegalStateException("compressed transport: unknown site " + site);
            Tensor g = codec.decode(t, prefix + site + "/", width, codec.streamSeed(user, message, i), dtype);
            out.add(new AdaptationData(site, t.get(xName).to(dtype), g));
        }
        return out;
    }

    @Override
    public LinkedHashMap<String, Tensor> up(int user, LinkedHashMap<String, Tensor> tensors) {
        return up.up(user, tensors);
    }

    @Override
    public synchronized TransferStats stats() {
        TransferStats u = up.stats();
        return new TransferStats(downPayload, downHeader, downMessages, u.upPayload(), u.upHeader(), u.upMessages(),
                nanos + u.encodeNanos());
    }

    /** The analytic down payload per step: users · rows · positions · Σ_sites (in + c_site) · dtype bytes. */
    public static long downPayloadPerStep(List<cola4j.models.site.Site> sites, int users, int rowsPerUser,
            int positionsPerRow, GradCompression codec, DType dtype) {
        long perRow = 0;
        for (cola4j.models.site.Site s : sites) {
            perRow += (s.kind() == cola4j.models.site.Site.Kind.EMBEDDING ? 1 : s.inFeatures())
                    + codec.elementsPerRow(s.outFeatures());
        }
        return (long) users * rowsPerUser * positionsPerRow * perRow * dtype.bytes;
    }
}
