package cola4j.gl.optim;

import cola4j.autograd.Var;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A first-order optimizer over a fixed, named set of parameter {@link Var}s.
 *
 * <p>Usage, as in PyTorch: {@code opt.zeroGrad(); loss.backward(); opt.step();}. {@link #step()} reads each
 * parameter's {@link Var#grad()} (parameters whose grad is null are skipped, as PyTorch skips {@code p.grad is None})
 * and replaces the parameter's value with {@link Var#setValue}; it never writes into a tensor someone else holds.
 *
 * <p>The optimizer's state (momentum buffers, Adam moments, step counters) is exported as named tensors by
 * {@link #stateDict()} and restored by {@link #loadStateDict(Map)} so that a run can be checkpointed and resumed
 * bit-exactly. Names are {@code <parameter name>.<slot>} (e.g. {@code lora_A.exp_avg}) plus {@code step}, the
 * number of {@link #step()} calls.
 */
public interface Optimizer {
    /** One update of every parameter that has a gradient; increments {@link #stepCount()}. */
    void step();

    /** Clears every parameter's gradient (sets it to null). */
    void zeroGrad();

    /** The learning rate the next {@link #step()} will use. */
    double lr();

    /** Sets the learning rate (schedulers call this before each step). Must be finite and >= 0. */
    void setLr(double lr);

    /** Number of {@link #step()} calls so far (restored by {@link #loadStateDict}). */
    long stepCount();

    /** The parameters, in the order given at construction. */
    LinkedHashMap<String, Var> parameters();

    /** The state as named tensors (the tensors are never mutated afterwards, so they are not copied). */
    LinkedHashMap<String, Tensor> stateDict();

    /**
     * Restores state exported by {@link #stateDict()} of an optimizer of the same type over parameters with the
     * same names and shapes. Unknown names, mismatched shapes, a NaN/Inf state tensor or a {@code step} that is not
     * one integer in [0, 2^53] throw {@link IllegalArgumentException} (and change nothing).
     */
    void loadStateDict(Map<String, Tensor> state);

    /** Bytes held by the optimizer state (moments, buffers), for memory accounting. */
    long stateBytes();

    /** Names an unnamed parameter list "0", "1", ... (PyTorch's param-group indices). */
    static LinkedHashMap<String, Var> named(List<Var> params) {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) m.put(Integer.toString(i), params.get(i));
        return m;
    }
}
