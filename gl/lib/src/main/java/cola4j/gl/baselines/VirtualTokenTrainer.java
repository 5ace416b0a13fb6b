package cola4j.gl.baselines;

import cola4j.autograd.Var;
import cola4j.gl.cola.LossFunction;
import cola4j.gl.cola.RowRouting;
import cola4j.gl.cola.Trainer;
import cola4j.gl.optim.LrSchedule;
import cola4j.gl.optim.Optimizer;
import cola4j.models.DecoderLM;
import cola4j.models.EncoderDecoder;
import cola4j.models.ForwardContext;
import cola4j.models.Model;
import cola4j.models.VirtualTokens;
import cola4j.models.prompt.PrefixTuning;
import cola4j.models.prompt.PromptTuning;
import cola4j.tensor.Rng;
import java.util.LinkedHashMap;
import java.util.function.Function;

/**
 * The prompt-tuning and prefix-tuning baselines (PEFT's {@code PROMPT_TUNING} and {@code PREFIX_TUNING}): the base
 * model is frozen and only virtual tokens are trained, by backprop through the whole model (gradient accumulation
 * over {@code interval} batches as the other baselines):
 * <pre>
 *   prompt:  x = [P; E[ids]] + pos                       P [n, C]          ({@link PromptTuning})
 *   prefix:  K = [K_p; K], V = [V_p; V] per attention     Z [n, 2·S·C]      ({@link PrefixTuning}, S attentions)
 * </pre>
 * For cola4j's decoder LM (prompt on its input; prefix on every blocks.i.attn) and encoder–decoder (prompt on the
 * encoder input, as PEFT; prefix on every encoder and decoder self-attention and every cross-attention). Each
 * forward pass gets a fresh {@link VirtualTokens} ({@link #tokens()}) in its context.
 */
public final class VirtualTokenTrainer implements Trainer {
    /** Which virtual tokens are trained. */
    public enum Kind { PROMPT, PREFIX }

    private final Kind kind;
    private final PromptTuning prompt;
    private final PrefixTuning prefix;
    private final BackpropStep step;
    private final int heads, tokenDim, inputLayers;

    private VirtualTokenTrainer(Model model, Kind kind, PromptTuning prompt, PrefixTuning prefix,
                                Function<LinkedHashMap<String, Var>, Optimizer> optimizerFor, LrSchedule schedule,
                                int interval, double maxGradNorm) {
        this.kind = kind;
        this.prompt = prompt;
        this.prefix = prefix;
        this.step = new BackpropStep(optimizerFor.apply(parameters()), schedule, interval, maxGradNorm);
        if (model instanceof DecoderLM d) {
            heads = d.config().heads();
            tokenDim = d.config().dModel();
            inputLayers = d.config().layers();
        } else {
            EncoderDecoder e = (EncoderDecoder) model;
            heads = e.config().heads();
            tokenDim = e.config().dModel();
            inputLayers = e.config().encoderLayers();
        }
    }

    /**
     * Prompt tuning with n virtual tokens initialised from sampled vocabulary rows ({@link PromptTuning#sampleVocab},
     * ids drawn from {@code rng}); freezes {@code model}.
     *
     * @throws IllegalArgumentException for a model without a cola4j transformer stack, or n &lt; 1
     */
    public static VirtualTokenTrainer prompt(Model model, int n, Rng rng,
                                             Function<LinkedHashMap<String, Var>, Optimizer> optimizerFor,
                                             LrSchedule schedule, int interval, double maxGradNorm) {
        String stack = inputStack(model);
        if (n < 1) throw new IllegalArgumentException("prompt tuning needs at least 1 virtual token, got " + n);
        String table = (stack.isEmpty() ? "" : stack + ".") + "embed.token.weight";
        PromptTuning p = PromptTuning.sampleVocab(stack, n, model.namedParameters().get(table).value(), rng);
        model.freeze();
        return new VirtualTokenTrainer(model, Kind.PROMPT, p, null, optimizerFor, schedule, interval, maxGradNorm);
    }

    /**
     * Prefix tuning of every attention of {@code model} ({@link PrefixTuning#attentions}) with n prefix positions and
     * a reparameterisation MLP of width {@code hidden} (0: none), initialised from {@code rng}; freezes the model.
     *
     * @throws IllegalArgumentException for a model without a cola4j transformer stack, or n &lt; 1, hidden &lt; 0
     */
    public static VirtualTokenTrainer prefix(Model model, int n, int hidden, Rng rng,
                                             Function<LinkedHashMap<String, Var>, Optimizer> optimizerFor,
                                             LrSchedule schedule, int interval, double maxGradNorm) {
        inputStack(model);
        if (n < 1) throw new IllegalArgumentException("prefix tuning needs at least 1 virtual token, got " + n);
        int c = model.sites().get(PrefixTuning.attentions(model).get(0) + ".query").inFeatures();
        PrefixTuning p = new PrefixTuning(PrefixTuning.attentions(model), n, c, hidden, model.dtype(), rng);
        model.freeze();
        return new VirtualTokenTrainer(model, Kind.PREFIX, null, p, optimizerFor, schedule, interval, maxGradNorm);
    }

    /** The stack whose input gets a prompt: "" (decoder LM), "encoder" (encoder–decoder); else an error. */
    static String inputStack(Model model) {
        if (model instanceof DecoderLM) return "";
        if (model instanceof EncoderDecoder) return "encoder";
        throw new IllegalArgumentException("prompt and prefix tuning apply to the decoder and seq2seq models (they"
                + " need attention over token embeddings); " + model.getClass().getSimpleName() + " is not one");
    }

    @Override
    public String method() {
        return kind == Kind.PROMPT ? "prompt" : "prefix";
    }

    public Kind kind() {
        return kind;
    }

    /** The model's attention heads (PEFT's {@code num_attention_heads}). */
    public int heads() {
        return heads;
    }

    /** C, the model width (PEFT's {@code token_dim}). */
    public int tokenDim() {
        return tokenDim;
    }

    /** Blocks of the stack whose input gets the prompt (the decoder's, or the encoder's of an encoder–decoder). */
    public int inputLayers() {
        return inputLayers;
    }

    /** The prompt (PROMPT) or null. */
    public PromptTuning promptTuning() {
        return prompt;
    }

    /** The prefixes (PREFIX) or null. */
    public PrefixTuning prefixTuning() {
        return prefix;
    }

    /** The trained parameters: {@code prompt_embeddings}, or PrefixTuning's {@code embedding.weight} (+ MLP). */
    public LinkedHashMap<String, Var> parameters() {
        return kind == Kind.PROMPT ? prompt.namedParameters() : prefix.namedParameters();
    }

    /** The virtual tokens of one forward pass (the current parameters; the prefix MLP is evaluated lazily once). */
    public VirtualTokens tokens() {
        return kind == Kind.PROMPT ? prompt : prefix.tokens();
    }

    public Optimizer optimizer() {
        return step.optimizer();
    }

    @Override
    public double step(LossFunction loss, RowRouting routing, Rng dropoutRng) {
        if (!routing.isSingleUser()) {
            throw new IllegalArgumentException(method() + " tuning baseline trains one user: mixed batches are not"
                    + " supported");
        }
        ForwardContext ctx = (dropoutRng == null ? ForwardContext.eval() : ForwardContext.train(dropoutRng))
                .withTokens(tokens());
        return step.apply(loss.loss(ctx));
    }
}
