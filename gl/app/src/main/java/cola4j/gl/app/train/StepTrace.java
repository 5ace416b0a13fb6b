package cola4j.gl.app.train;

import cola4j.autograd.Var;
import cola4j.gl.AdaptationData;
import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.app.workload.Batch;
import cola4j.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --trace DIR}: one safetensors file per training step, {@code step-000001.safetensors}, ..., holding
 * <pre>
 *   batch.&lt;field&gt;              the batch as float64 (integer ids exact): tokens/mask/labels (encoder),
 *                               inputs/targets/mask (decoder), src/src_mask/tgt_in/tgt_out/tgt_mask (seq2seq),
 *                               x/y (mlp)
 *   loss                        scalar float64, the batch loss before the update
 *   adaptation.&lt;site&gt;.x        [rows, in]   site input     } cola only: the adaptation data the server
 *   adaptation.&lt;site&gt;.grad_h   [rows, out]  dL/dh          } sent this step (rows = batch × positions)
 *   param.&lt;checkpoint name&gt;     every trained parameter after the step (names as in {@link AdapterCheckpoint})
 * </pre>
 * and {@code index.json}: {@code {"method", "note", "steps": [{"step", "file", "tensors": {name: shape}}]}}, rewritten
 * atomically after every step. For lora, ia3 and full there is no adaptation data (nothing is sent anywhere), so those
 * files hold the batch, the loss and the parameters only. Full fine-tuning traces every model parameter (large).
 */
public final class StepTrace {
    public static final String INDEX = "index.json";

    private final Path dir;
    private final ObjectNode index;
    private final ArrayNode steps;

    /**
     * Opens a trace directory. An existing index (a resumed run) keeps its entries up to {@code startStep}; later
     * ones are dropped (their files are overwritten as the run reaches them again).
     */
    public StepTrace(Path dir, String method, int startStep) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        index = JsonFiles.MAPPER.createObjectNode();
        index.put("method", method);
        index.put("note", method.equals("cola")
                ? "adaptation.<site>.x [rows, in] and adaptation.<site>.grad_h [rows, out] per step"
                : "no adaptation data: only cola sends (x, dL/dh); files hold batch, loss and parameters");
        steps = index.putArray("steps");
        Path f = dir.resolve(INDEX);
        if (startStep > 0 && Files.isRegularFile(f)) {
            for (JsonNode e : JsonFiles.MAPPER.readTree(f.toFile()).path("steps")) {
                if (e.path("step").asInt() <= startStep) steps.add(e);
            }
        }
    }

    /** The file name of a step. */
    public static String fileName(int step) {
        return String.format("step-%06d.safetensors", step);
    }

    /** Writes step {@code step}'s file and the updated index. */
    public void write(int step, Batch batch, double loss, List<AdaptationData> data,
            Map<String, Var> params) throws IOException {
        LinkedHashMap<String, Tensor> t = new LinkedHashMap<>(batchTensors(batch));
        t.put("loss", Tensor.scalar(loss));
        for (AdaptationData d : data) {
            t.put("adaptation." + d.site() + ".x", d.x());
            t.put("adaptation." + d.site() + ".grad_h", d.gradH());
        }
        params.forEach((n, v) -> t.put("param." + n, v.value()));
        String file = fileName(step);
        cola4j.tensor.io.Safetensors.write(dir.resolve(file), t, Map.of("step", Integer.toString(step)));
        ObjectNode e = JsonFiles.MAPPER.createObjectNode();
        e.put("step", step);
        e.put("file", file);
        ObjectNode shapes = e.putObject("tensors");
        t.forEach((n, v) -> {
            ArrayNode a = shapes.putArray(n);
            for (int d : v.shape()) a.add(d);
        });
        steps.add(e);
        JsonFiles.writeAtomic(dir.resolve(INDEX), index);
    }

    /** The batch's fields as float64 tensors (see the class comment). */
    public static LinkedHashMap<String, Tensor> batchTensors(Batch b) {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        if (b instanceof Batch.Classification c) {
            m.put("batch.tokens", ints(c.data().tokens()));
            m.put("batch.mask", ints(c.data().mask()));
            m.put("batch.labels", ints(c.data().labels()));
        } else if (b instanceof Batch.Lm l) {
            m.put("batch.inputs", ints(l.data().inputs()));
            m.put("batch.targets", ints(l.data().targets()));
            m.put("batch.mask", ints(l.data().mask()));
        } else if (b instanceof Batch.Seq2Seq s) {
            m.put("batch.src", ints(s.data().src()));
            m.put("batch.src_mask", ints(s.data().srcMask()));
            m.put("batch.tgt_in", ints(s.data().tgtIn()));
            m.put("batch.tgt_out", ints(s.data().tgtOut()));
            m.put("batch.tgt_mask", ints(s.data().tgtMask()));
        } else if (b instanceof Batch.Vectors v) {
            double[][] x = v.data().x();
            double[] flat = new double[x.length * v.data().dim()];
            for (int i = 0; i < x.length; i++) System.arraycopy(x[i], 0, flat, i * x[i].length, x[i].length);
            m.put("batch.x", Tensor.of(flat, x.length, v.data().dim()));
            m.put("batch.y", ints(v.data().y()));
        } else if (b instanceof Batch.Hf h) {
            m.put("batch.input_ids", ints(h.data().inputIds()));
            if (h.data().attentionMask() != null) m.put("batch.attention_mask", ints(h.data().attentionMask()));
            if (h.data().labels() != null) m.put("batch.labels", ints(h.data().labels()));
        }
        return m;
    }

    private static Tensor ints(int[][] a) {
        int w = a.length == 0 ? 0 : a[0].length;
        double[] flat = new double[a.length * w];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < w; j++) flat[i * w + j] = a[i][j];
        return Tensor.of(flat, a.length, w);
    }

    private static Tensor ints(int[] a) {
        double[] flat = new double[a.length];
        for (int i = 0; i < a.length; i++) flat[i] = a[i];
        return Tensor.of(flat, a.length);
    }
}
