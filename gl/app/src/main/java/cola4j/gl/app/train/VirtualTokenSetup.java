package cola4j.gl.app.train;

import cola4j.autograd.Var;
import cola4j.gl.app.workload.Workload;
import cola4j.gl.baselines.VirtualTokenTrainer;
import cola4j.gl.optim.LrSchedule;
import cola4j.gl.optim.Optimizer;
import cola4j.models.DecoderLM;
import cola4j.models.EncoderDecoder;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code cola train --method prompt|prefix}: the {@link VirtualTokenTrainer} of a config, and its tensors in
 * {@code adapter_model.safetensors} (PEFT's names):
 * <pre>
 *   prompt   prompt_embeddings                 [n, C]        P (exactly PEFT PROMPT_TUNING)
 *   prefix   prompt_embeddings                 [n, 2·S·C]    Z, the prefixes PEFT loads in inference mode
 *            prompt_encoder.embedding.weight   [n, C] or [n, 2·S·C], and with the MLP
 *            prompt_encoder.transform.{0,2}.{weight,bias}     the trained parameters (resume); Z is derived
 * </pre>
 * The prompt is initialised from {@code StepSeeds.rng(seed, AUXILIARY_INIT, 0)}, so the same seed gives the same
 * run.
 */
public final class VirtualTokenSetup {
    private VirtualTokenSetup() {}

    /** The derived tensor of a prefix checkpoint: the prefixes Z as PEFT saves them. */
    public static final String PROMPT_EMBEDDINGS = "prompt_embeddings";
    /** The name prefix of prefix tuning's trained parameters (PEFT's module {@code prompt_encoder}). */
    public static final String ENCODER = "prompt_encoder.";

    /**
     * The trainer of {@code c} on {@code w.model()} (frozen).
     *
     * @throws IllegalArgumentException for a model other than decoder/seq2seq, or n + T &gt; maxLen
     */
    static VirtualTokenTrainer create(Workload w, TrainConfig c, Function<LinkedHashMap<String, Var>, Optimizer> opt,
                                      LrSchedule schedule) {
        if (!(w.model() instanceof DecoderLM || w.model() instanceof EncoderDecoder)) {
            throw new IllegalArgumentException("--method " + c.method() + " applies to --model decoder and seq2seq"
                    + " (virtual tokens need attention over token embeddings), not " + c.model());
        }
        var rng = StepSeeds.rng(c.seed(), StepSeeds.AUXILIARY_INIT, 0);
        int n = c.virtualTokens();
        return c.method() == TrainMethod.PROMPT
                ? VirtualTokenTrainer.prompt(w.model(), n, rng, opt, schedule, c.interval(), c.clip())
                : VirtualTokenTrainer.prefix(w.model(), n, c.prefixHidden(), rng, opt, schedule, c.interval(),
                        c.clip());
    }

    /** The trained parameters under their checkpoint names (see the class comment). */
    static LinkedHashMap<String, Var> names(VirtualTokenTrainer t) {
        if (t.kind() == VirtualTokenTrainer.Kind.PROMPT) return t.parameters();
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        t.parameters().forEach((k, v) -> m.put(ENCODER + k, v));
        return m;
    }

    /** Adds the derived prefixes Z ({@value #PROMPT_EMBEDDINGS}) of a prefix trainer to the exported tensors. */
    static void addDerived(VirtualTokenTrainer t, Map<String, Tensor> exported) {
        if (t.kind() == VirtualTokenTrainer.Kind.PREFIX) {
            exported.put(PROMPT_EMBEDDINGS, t.prefixTuning().prefixes().value().copy());
        }
    }

    /**
     * Removes the derived Z from {@code stored} (prefix) before the trained parameters are assigned; returns it
     * (null for prompt tuning).
     *
     * @throws IllegalArgumentException when a prefix checkpoint lacks it
     */
    static Tensor takeDerived(VirtualTokenTrainer t, Map<String, Tensor> stored, String what) {
        if (t.kind() == VirtualTokenTrainer.Kind.PROMPT) return null;
        Tensor z = stored.remove(PROMPT_EMBEDDINGS);
        if (z == null) {
            throw new IllegalArgumentException(what + " does not fit this run: missing " + PROMPT_EMBEDDINGS);
        }
        return z;
    }

    /** Checks that a loaded prefix checkpoint's Z is exactly the prefixes of its loaded parameters. */
    static void checkDerived(VirtualTokenTrainer t, Tensor z, String what) {
        if (z != null && !z.bitEquals(t.prefixTuning().prefixes().value())) {
            throw new IllegalArgumentException(what + ": " + PROMPT_EMBEDDINGS + " is not the prefixes of the stored "
                    + ENCODER + "* parameters");
        }
    }
}
