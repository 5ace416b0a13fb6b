package cola4j.gl.app.ftaas;

import cola4j.models.data.DigitShift;
import cola4j.models.data.DigitsFamily;
import cola4j.models.data.DigitsTask;
import cola4j.models.data.VectorBatch;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The users' digits data ({@link DigitsTenants} without the base model): user u's task is kinds[u mod |kinds|] in
 * u's variant. Wire form of a batch: {@code x} float64 [rows, 64] and {@code y} float64 [rows] (labels 0–9).
 */
public final class DigitsData implements TenantData<VectorBatch> {
    /** Pixels per image (8 × 8). */
    public static final int FEATURES = 64;
    /** Digit classes. */
    public static final int CLASSES = 10;

    private final DigitsFamily family;
    private final List<String> kinds;
    private final Map<Integer, DigitsTask> tasks = new LinkedHashMap<>();
    private final java.util.Set<Integer> sampled = new java.util.HashSet<>();

    /** @param kinds shift kinds cycled over users; IllegalArgumentException if empty or unknown */
    public DigitsData(DigitsFamily family, List<String> kinds) {
        if (kinds.isEmpty()) throw new IllegalArgumentException("digits tenants: no task kinds");
        for (String k : kinds) DigitShift.forUser(k, 0);
        this.family = family;
        this.kinds = List.copyOf(kinds);
    }

    /**
     * User u chooses its task: shift kind {@code kind} (one of this session's kinds), variant u, instead of the
     * assigned one. Before the user's first batch; IllegalArgumentException for another kind, or after its task is set.
     */
    public synchronized void choose(int user, String kind) {
        if (!kinds.contains(kind)) throw new IllegalArgumentException("task '" + kind + "' is not one of " + kinds);
        DigitsTask t = tasks.get(user);
        if (t != null && t.name().equals(kind)) return;
        if (sampled.contains(user)) {
            throw new IllegalArgumentException("user " + user + " already trains on " + t.name());
        }
        tasks.put(user, family.downstream(kind, user));
    }

    /** User u's task: the one it chose, else shift kind kinds[u mod |kinds|]; variant u. */
    public synchronized DigitsTask task(int user) {
        return tasks.computeIfAbsent(user, u -> family.downstream(kinds.get(u % kinds.size()), u));
    }

    @Override
    public String taskName(int user) {
        return task(user).name();
    }

    @Override
    public VectorBatch sample(int user, int rows, Rng rng) {
        synchronized (this) {
            sampled.add(user);
        }
        return task(user).batch(rows, rng);
    }

    @Override
    public LinkedHashMap<String, Tensor> encode(VectorBatch b) {
        double[] x = new double[b.size() * b.dim()], y = new double[b.size()];
        for (int r = 0; r < b.size(); r++) {
            System.arraycopy(b.x()[r], 0, x, r * b.dim(), b.dim());
            y[r] = b.y()[r];
        }
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        m.put("x", Tensor.of(x, b.size(), b.dim()));
        m.put("y", Tensor.of(y, b.size()));
        return m;
    }

    /**
     * A batch from the wire: exactly {@code x} [rows, 64] and {@code y} [rows], 1 ≤ rows ≤ maxRows, float64,
     * integral labels in [0, 10); IllegalArgumentException naming the first problem otherwise. Finite pixels are
     * checked where every batch is, in {@link LocalServer#submit}.
     */
    public static VectorBatch decode(Map<String, Tensor> t, int maxRows) {
        if (t.size() != 2 || !t.containsKey("x") || !t.containsKey("y")) {
            throw new IllegalArgumentException("batch: expected tensors x and y, got " + t.keySet());
        }
        Tensor x = t.get("x"), y = t.get("y");
        if (x.dtype() != DType.FLOAT64 || y.dtype() != DType.FLOAT64) {
            throw new IllegalArgumentException("batch: x and y must be float64");
        }
        if (x.rank() != 2 || x.dim(1) != FEATURES || y.rank() != 1 || y.dim(0) != x.dim(0)) {
            throw new IllegalArgumentException("batch: expected x [rows, " + FEATURES + "] and y [rows], got "
                    + java.util.Arrays.toString(x.shape()) + " and " + java.util.Arrays.toString(y.shape()));
        }
        int rows = x.dim(0);
        if (rows < 1 || rows > maxRows) {
            throw new IllegalArgumentException("batch: " + rows + " rows, expected 1.." + maxRows);
        }
        double[][] xs = new double[rows][FEATURES];
        int[] ys = new int[rows];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < FEATURES; j++) xs[r][j] = x.getFlat(r * FEATURES + j);
            double v = y.getFlat(r);
            if (!(v >= 0 && v < CLASSES && v == Math.rint(v))) {
                throw new IllegalArgumentException("batch: label " + v + " at row " + r + " is not 0..9");
            }
            ys[r] = (int) v;
        }
        return new VectorBatch(xs, ys);
    }
}
