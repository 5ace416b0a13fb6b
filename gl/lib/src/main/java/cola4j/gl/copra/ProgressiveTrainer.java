package cola4j.gl.copra;

import cola4j.gl.AdaptationData;
import cola4j.gl.cola.ColaTrainer;
import cola4j.gl.baselines.AdaLoraTrainer;
import cola4j.gl.baselines.LoraTrainer;
import cola4j.gl.cola.LossFunction;
import cola4j.gl.cola.RowRouting;
import cola4j.gl.cola.Trainer;
import cola4j.tensor.Rng;
import java.util.List;
import java.util.Set;

/**
 * CopRA training: LoRA (backprop, any auxiliary: the LoRA variants too), AdaLoRA (backprop) or ColA (Gradient
 * Learning) with progressive random layer activation. Step k:
 *
 * <pre>
 *   A_k = activation.draw(k)                 active sites (whole layers; at least one layer)
 *   LoRA: out_s = h_s + g_s(x) for s ∈ A_k, h_s otherwise; backprop; only A_k's adapters have grads → updated
 *   AdaLoRA: as LoRA, the orthogonality penalty over A_k's adapters, the allocator's EMAs updated for A_k only
 *   ColA: the server adapts only A_k and sends adaptation data (x_s, dL/dh_s) only for s ∈ A_k
 * </pre>
 *
 * Inactive adapters have a null gradient at the optimizer step, so the optimizer skips them: parameters and state
 * (Adam moments, per-parameter step count) are untouched. For ColA the bytes of adaptation data actually sent are
 * counted ({@link #bytesSent()}); a plain run (schedule {@link ProgressiveSchedule#always}) counts the full traffic.
 */
public final class ProgressiveTrainer implements Trainer {
    private final ProgressiveActivation activation;
    private final LoraTrainer lora;
    private final ColaTrainer cola;
    private final AdaLoraTrainer adalora;
    private int step;
    private long bytesSent;
    private Set<String> lastActive;

    private ProgressiveTrainer(ProgressiveActivation activation, LoraTrainer lora, ColaTrainer cola,
                               AdaLoraTrainer adalora) {
        this.activation = activation;
        this.lora = lora;
        this.cola = cola;
        this.adalora = adalora;
        Set<String> adapted = lora != null ? lora.auxiliaries().values().iterator().next().keySet()
                : adalora != null ? adalora.adapters().keySet() : cola.server().sites().keySet();
        if (!adapted.containsAll(activation.groups().allSites())) {
            throw new IllegalArgumentException("CopRA: grouped sites " + activation.groups().allSites()
                    + " are not all adapted; adapted: " + adapted);
        }
    }

    /** Progressive LoRA. */
    public static ProgressiveTrainer lora(ProgressiveActivation activation, LoraTrainer trainer) {
        return new ProgressiveTrainer(activation, trainer, null, null);
    }

    /** Progressive ColA. */
    public static ProgressiveTrainer cola(ProgressiveActivation activation, ColaTrainer trainer) {
        return new ProgressiveTrainer(activation, null, trainer, null);
    }

    /** Progressive AdaLoRA ({@link AdaLoraTrainer#step(LossFunction, RowRouting, Rng, Set)}). */
    public static ProgressiveTrainer adalora(ProgressiveActivation activation, AdaLoraTrainer trainer) {
        return new ProgressiveTrainer(activation, null, null, trainer);
    }

    @Override
    public String method() {
        return lora != null ? "lora" : adalora != null ? "adalora" : "cola";
    }

    /** Trains on one batch with the adapters of the layers drawn for this step. */
    @Override
    public double step(LossFunction loss, RowRouting routing, Rng dropoutRng) {
        lastActive = activation.draw(step++);
        if (lora != null) return lora.step(loss, routing, dropoutRng, lastActive);
        if (adalora != null) return adalora.step(loss, routing, dropoutRng, lastActive);
        double v = cola.step(loss, routing, dropoutRng, lastActive);
        for (List<AdaptationData> l : cola.lastPass().dataByUser().values()) {
            for (AdaptationData d : l) bytesSent += d.bytes();
        }
        return v;
    }

    /** Steps taken. */
    public int steps() {
        return step;
    }

    /** The sites active at the last step (null before the first). */
    public Set<String> lastActive() {
        return lastActive;
    }

    /** ColA: total bytes of adaptation data sent to the users so far (0 for LoRA and AdaLoRA). */
    public long bytesSent() {
        return bytesSent;
    }

    public ProgressiveActivation activation() {
        return activation;
    }
}
