package cola4j.gl.app.ftaas;

import cola4j.autograd.Var;
import cola4j.gl.app.data.FileTask;
import cola4j.gl.app.data.TextBatches;
import cola4j.gl.app.data.TextDataset.TaskType;
import cola4j.gl.app.workload.Batch;
import cola4j.gl.app.workload.HfWorkload;
import cola4j.models.ForwardContext;
import cola4j.models.Model;
import cola4j.models.hf.HfConfig;
import cola4j.models.hf.HfInputs;
import cola4j.models.hf.HfLoader;
import cola4j.models.hf.HfModel;
import cola4j.models.site.Site;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face model ({@code hf:DIR}) as an FTaaS tenant workload with one data file per user: user u trains on
 * file {@code u mod n} ({@link HfWorkload}s over the same base model, one task type). Loss: the model's own
 * (transformers' mean cross-entropy over labels ≠ −100), grouped per user; metric: the file's (accuracy for cls,
 * teacher-forced token accuracy for lm and seq2seq) on its held-out rows.
 *
 * <p>Rows on the wire. Every training batch is right-padded to one fixed length T, the longest tokenized training row
 * (input_ids or labels) over all users' files: input_ids with the model's pad id, attention_mask 0, labels −100 (cls
 * labels stay [B, 1]); for seq2seq the source and the target are both padded to T, so encoder and decoder sites see
 * the same T. Padded positions carry no loss and are masked in attention, so the loss and its gradient are those of
 * the unpadded rows; the server still sends the adaptation data of every position, so the down payload of a user's
 * step is Σ_sites B·T·(in + out)·e exactly ({@link #positionsPerRow()} = T), as for the presets. Evaluation batches
 * are not sent and keep their own padding.
 *
 * <p>A batch from the wire ({@link #decode}) is three float64 tensors {@code input_ids} [B, T], {@code attention_mask}
 * [B, T], {@code labels} [B, T] ([B, 1] for cls), every value an integer in range (ids below the vocabulary, mask
 * 0/1, labels −100 or a token/class id).
 */
public final class HfTenants implements TenantWorkload<Batch> {
    private final HfModel base;
    private final List<HfWorkload> files;
    private final SiteSelector sites;
    private final int evalExamples;
    private final int length;
    private final TaskType type;
    private final Map<Model, List<HfWorkload>> byModel = new IdentityHashMap<>();

    /**
     * @param files        one workload per data file, all over the same model (the base) and of one task type
     * @param sites        the adapted sites
     * @param evalExamples held-out rows per evaluation (≥ 1; at most the file's eval split)
     */
    public HfTenants(List<HfWorkload> files, SiteSelector sites, int evalExamples) {
        if (files.isEmpty()) throw new IllegalArgumentException("HfTenants: no data files");
        if (evalExamples < 1) throw new IllegalArgumentException("HfTenants: evalExamples " + evalExamples + " < 1");
        this.base = files.get(0).model();
        this.type = files.get(0).task().type();
        for (HfWorkload f : files) {
            if (f.model() != base || f.task().type() != type) {
                throw new IllegalArgumentException("HfTenants: every data file needs the same model and task type");
            }
        }
        this.files = List.copyOf(files);
        this.sites = sites;
        this.evalExamples = evalExamples;
        this.length = fixedLength(files);
        base.sites(sites); // fails early, listing the names, if the selection matches nothing
        byModel.put(base, this.files);
    }

    /** T: the longest input_ids or labels of any training row of any file. */
    static int fixedLength(List<HfWorkload> files) {
        int t = 0;
        for (HfWorkload f : files) {
            for (TextBatches.Encoded e : f.task().train()) {
                t = Math.max(t, e.ids().length);
                if (e.labels() != null) t = Math.max(t, e.labels().length);
            }
        }
        return t;
    }

    private HfWorkload file(int user) {
        return files.get(user % files.size());
    }

    /** The data files' workloads in user order (user u has entry u mod n). */
    public List<HfWorkload> files() {
        return files;
    }

    @Override
    public HfModel base() {
        return base;
    }

    /** A fresh model of the base's config (layers drawn from seed 0, then every parameter copied from the base). */
    @Override
    public Model copyOfBase() {
        HfModel m = HfLoader.create(base.config(), new Rng(0));
        LinkedHashMap<String, Var> src = base.namedParameters();
        m.namedParameters().forEach((n, p) -> p.value().copyFrom(src.get(n).value()));
        List<HfWorkload> ws = new ArrayList<>();
        for (HfWorkload f : files) ws.add(new HfWorkload(m, f.task()));
        byModel.put(m, List.copyOf(ws));
        return m;
    }

    @Override
    public List<Site> adaptedSites(Model model) {
        return model.sites(sites);
    }

    @Override
    public String taskName(int user) {
        return file(user).task().name();
    }

    @Override
    public int positionsPerRow() {
        return length;
    }

    @Override
    public String metricName() {
        return file(0).task().metric().id();
    }

    @Override
    public Batch sample(int user, int rows, Rng rng) {
        HfWorkload w = file(user);
        HfInputs d = ((Batch.Hf) w.sample(w.task(), rows, rng)).data();
        int pad = w.task().padId();
        return new Batch.Hf(new HfInputs(pad(d.inputIds(), pad), pad(d.attentionMask(), 0), null, null,
                type == TaskType.CLS ? d.labels() : pad(d.labels(), TextBatches.IGNORE)));
    }

    private int[][] pad(int[][] x, int fill) {
        int[][] out = new int[x.length][length];
        for (int r = 0; r < x.length; r++) {
            Arrays.fill(out[r], fill);
            System.arraycopy(x[r], 0, out[r], 0, x[r].length);
        }
        return out;
    }

    /** input_ids, attention_mask, labels as float64 tensors (ids are exact in float64). */
    @Override
    public LinkedHashMap<String, Tensor> encode(Batch batch) {
        HfInputs d = ((Batch.Hf) batch).data();
        LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
        t.put("input_ids", tensor(d.inputIds()));
        t.put("attention_mask", tensor(d.attentionMask()));
        t.put("labels", tensor(d.labels()));
        return t;
    }

    private static Tensor tensor(int[][] x) {
        double[] flat = new double[x.length * x[0].length];
        for (int r = 0; r < x.length; r++) for (int c = 0; c < x[r].length; c++) flat[r * x[0].length + c] = x[r][c];
        return Tensor.of(flat, x.length, x[0].length);
    }

    @Override
    public Batch decode(Map<String, Tensor> tensors, int maxRows) {
        if (!tensors.keySet().equals(java.util.Set.of("input_ids", "attention_mask", "labels"))) {
            throw new IllegalArgumentException("hf batch: expected input_ids, attention_mask, labels, got "
                    + tensors.keySet());
        }
        HfConfig c = base.config();
        int[][] ids = ints(tensors.get("input_ids"), -1, length, maxRows, 0, c.vocabSize() - 1, "input_ids");
        int b = ids.length;
        int[][] mask = ints(tensors.get("attention_mask"), b, length, maxRows, 0, 1, "attention_mask");
        int[][] labels = type == TaskType.CLS
                ? ints(tensors.get("labels"), b, 1, maxRows, 0, c.numLabels() - 1, "labels")
                : ints(tensors.get("labels"), b, length, maxRows, TextBatches.IGNORE, c.vocabSize() - 1, "labels");
        for (int[] row : labels) {
            for (int v : row) {
                if (v < 0 && v != TextBatches.IGNORE) throw new IllegalArgumentException("hf batch: label " + v);
            }
        }
        return new Batch.Hf(new HfInputs(ids, mask, null, null, labels));
    }

    /** [rows, width] integers in [lo, hi] (rows = −1: any count from 1 to maxRows). */
    private static int[][] ints(Tensor t, int rows, int width, int maxRows, int lo, int hi, String what) {
        int[] s = t.shape();
        if (s.length != 2 || (rows >= 0 ? s[0] != rows : s[0] < 1 || s[0] > maxRows) || s[1] != width) {
            throw new IllegalArgumentException("hf batch: " + what + " " + Arrays.toString(s) + " must be ["
                    + (rows >= 0 ? rows : "1.." + maxRows) + ", " + width + "]");
        }
        double[] v = t.to(DType.FLOAT64).toDoubleArray();
        int[][] out = new int[s[0]][s[1]];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != Math.rint(v[i]) || v[i] < lo || v[i] > hi) {
                throw new IllegalArgumentException("hf batch: " + what + " value " + v[i] + " outside [" + lo + ", "
                        + hi + "] or not an integer");
            }
            out[i / s[1]][i % s[1]] = (int) v[i];
        }
        return out;
    }

    @Override
    public Batch concat(List<Batch> parts) {
        return files.get(0).concatRows(parts);
    }

    @Override
    public int rows(Batch batch) {
        return batch.rows();
    }

    /** Token ids and labels are integers: nothing can be non-finite. */
    @Override
    public void requireFinite(Batch batch, String what) {
    }

    @Override
    public Var loss(Model model, Batch batch, int[] rowGroup, ForwardContext ctx) {
        return of(model).get(0).loss(batch, ctx, rowGroup);
    }

    @Override
    public double evaluate(Model model, int user, ForwardContext ctx) {
        HfWorkload w = of(model).get(user % files.size());
        return w.evaluate(w.task(), evalExamples, new Rng(WorkloadTenants.EVAL_SEED + user), ctx);
    }

    private List<HfWorkload> of(Model model) {
        List<HfWorkload> w = byModel.get(model);
        if (w == null) throw new IllegalArgumentException("HfTenants: model is neither the base nor a copy of it");
        return w;
    }

    /** The file task of user {@code user}. */
    public FileTask task(int user) {
        return file(user).task();
    }
}
