package cola4j.gl.optim;

import cola4j.autograd.Var;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bookkeeping shared by the optimizers: the named parameters, the learning rate, the step counter and the
 * per-parameter state slots, with their export, import and byte count. Subclasses implement only the update rule
 * {@link #update}.
 */
public abstract class AbstractOptimizer implements Optimizer {
    private final String kind;
    private final LinkedHashMap<String, Var> params;
    /** per parameter name: slot name -> tensor (created lazily at the parameter's first update) */
    private final LinkedHashMap<String, LinkedHashMap<String, Tensor>> state = new LinkedHashMap<>();
    private double lr;
    private long steps;

    protected AbstractOptimizer(String kind, Map<String, Var> params, double lr) {
        this.kind = kind;
        if (params.isEmpty()) throw fail("empty parameter list");
        params.forEach((name, p) -> {
            if (!p.requiresGrad()) {
                throw fail("parameter '" + name + "' does not require grad (frozen weights do not belong in an"
                        + " optimizer)");
            }
        });
        this.params = new LinkedHashMap<>(params);
        for (String name : params.keySet()) state.put(name, new LinkedHashMap<>());
        setLr(lr);
    }

    /** The argument error "KIND: what" (KIND = sgd, adam, adamw). */
    private IllegalArgumentException fail(String what) {
        return new IllegalArgumentException(kind + ": " + what);
    }

    /**
     * Updates one parameter in place of its value: reads {@code grad} and the parameter's slots, writes new
     * slots into {@code slots} and the new value with {@link Var#setValue}.
     */
    protected abstract void update(String name, Var p, Tensor grad, Map<String, Tensor> slots);

    /** The slot names this optimizer may keep per parameter (for validating {@link #loadStateDict}). */
    protected abstract List<String> slotNames();

    @Override
    public final void step() {
        steps++;
        params.forEach((name, p) -> {
            Tensor g = p.grad();
            if (g == null) return;
            if (!Arrays.equals(g.shape(), p.value().shape()) || g.dtype() != p.value().dtype()) {
                throw new IllegalStateException(kind + ": gradient " + g.dtype() + " " + Arrays.toString(g.shape())
                        + " of '" + name + "' does not match parameter " + p.value().dtype() + " "
                        + Arrays.toString(p.value().shape()));
            }
            update(name, p, g, state.get(name));
        });
    }

    @Override
    public void zeroGrad() {
        params.values().forEach(Var::zeroGrad);
    }

    @Override
    public double lr() {
        return lr;
    }

    @Override
    public void setLr(double lr) {
        if (!(lr >= 0) || !Double.isFinite(lr)) throw fail("learning rate must be finite and >= 0, got " + lr);
        this.lr = lr;
    }

    @Override
    public long stepCount() {
        return steps;
    }

    @Override
    public LinkedHashMap<String, Var> parameters() {
        return new LinkedHashMap<>(params);
    }

    @Override
    public LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        out.put("step", Tensor.scalar((double) steps));
        state.forEach((name, slots) -> slots.forEach((slot, t) -> out.put(name + "." + slot, t)));
        return out;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> in) {
        LinkedHashMap<String, LinkedHashMap<String, Tensor>> loaded = new LinkedHashMap<>();
        int used = 0;
        for (Map.Entry<String, Var> e : params.entrySet()) {
            LinkedHashMap<String, Tensor> slots = new LinkedHashMap<>();
            for (String slot : slotNames()) {
                Tensor t = in.get(e.getKey() + "." + slot);
                if (t == null) continue;
                used++;
                Tensor v = e.getValue().value();
                boolean scalarSlot = slot.equals("step");
                if (scalarSlot ? t.numel() != 1 : !Arrays.equals(t.shape(), v.shape()) || t.dtype() != v.dtype()) {
                    throw fail("state '" + e.getKey() + "." + slot + "' is " + t.dtype() + " "
                            + Arrays.toString(t.shape()) + ", expected "
                            + (scalarSlot ? "a scalar" : v.dtype() + " " + Arrays.toString(v.shape())));
                }
                if (!t.isFinite()) {
                    throw fail("state '" + e.getKey() + "." + slot + "' holds NaN or Inf (a corrupt checkpoint?)");
                }
                slots.put(slot, t.copy());
            }
            loaded.put(e.getKey(), slots);
        }
        Tensor step = in.get("step");
        if (step == null) throw fail("state has no 'step' entry");
        double count = step.numel() == 1 ? step.item() : Double.NaN;
        // a cast would turn NaN into 0 and 2.5 into 2: accept exact non-negative integers (below 2^53) only
        if (!(count >= 0 && count <= 0x1p53 && count == Math.rint(count))) {
            throw fail("state 'step' must be one integer >= 0, got " + (step.numel() == 1 ? count
                    : step.numel() + " elements"));
        }
        if (used + 1 != in.size()) {
            for (String k : in.keySet()) {
                if (k.equals("step")) continue;
                boolean known = params.keySet().stream()
                        .anyMatch(n -> slotNames().stream().anyMatch(s -> k.equals(n + "." + s)));
                if (!known) {
                    throw fail("unknown state entry '" + k + "' (parameters " + params.keySet() + ", slots "
                            + slotNames() + ")");
                }
            }
        }
        state.clear();
        state.putAll(loaded);
        steps = (long) count;
    }

    @Override
    public long stateBytes() {
        long b = 0;
        for (Map<String, Tensor> slots : state.values()) for (Tensor t : slots.values()) b += t.bytes();
        return b;
    }

    /** A tensor of {@code like}'s shape and dtype holding {@code data} (rounded to float for float32). */
    protected static Tensor sameAs(double[] data, Tensor like) {
        Tensor t = Tensor.of(data, like.shape());
        return like.dtype() == DType.FLOAT64 ? t : t.to(like.dtype());
    }
}
