package cola4j.gl.baselines;

import cola4j.gl.cola.LossFunction;
import cola4j.gl.cola.RowRouting;
import cola4j.gl.cola.Trainer;

import cola4j.autograd.Var;
import cola4j.gl.optim.LrSchedule;
import cola4j.gl.optim.Optimizer;
import cola4j.models.ForwardContext;
import cola4j.models.Model;
import cola4j.models.site.Site;
import cola4j.models.site.SiteInterceptor;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The IA3 baseline (Liu et al. 2022, as PEFT's {@code IA3Model}): learned scaling vectors, initialized to ones,
 * on the attention key and value outputs and on the input of the MLP's second layer:
 *
 * <pre>
 *   k' = l_k ⊙ k            l_k [C]      (sites *.attn.key)
 *   v' = l_v ⊙ v            l_v [C]      (sites *.attn.value)
 *   y  = (l_ff ⊙ x) W₂ᵀ + b₂  l_ff [4C]   (sites *.mlp.fc2: the scaling is applied to its input)
 * </pre>
 * Trained by backprop on the server; the base model is frozen.
 */
public final class Ia3Trainer implements Trainer {
    private final LinkedHashMap<String, Var> scales = new LinkedHashMap<>();
    private final LinkedHashMap<String, Boolean> onInput = new LinkedHashMap<>();
    private final BackpropStep step;

    /** The scaled sites of cola4j's own models (suffixes): attention key and value outputs, the MLP's fc2. */
    public static final List<String> DEFAULT_TARGETS = List.of("attn.key", "attn.value", "mlp.fc2");
    /** The sites among them whose input is scaled (PEFT's feedforward modules). */
    public static final List<String> DEFAULT_FEEDFORWARD = List.of("mlp.fc2");

    /** IA3 on {@link #DEFAULT_TARGETS}, the input of {@link #DEFAULT_FEEDFORWARD}. */
    public Ia3Trainer(Model model, Function<LinkedHashMap<String, Var>, Optimizer> optimizerFor, LrSchedule schedule,
                      int interval, double maxGradNorm) {
        this(model, DEFAULT_TARGETS, DEFAULT_FEEDFORWARD, optimizerFor, schedule, interval, maxGradNorm);
    }

    /**
     * IA3 on the sites whose name is, or ends with "." + , one of {@code targets} or {@code feedforward} (PEFT's
     * matching of a {@code target_modules} list); a {@code feedforward} site has its input scaled (l [in]), the
     * others their output (l [out]).
     *
     * @throws IllegalArgumentException when no site matches
     */
    public Ia3Trainer(Model model, List<String> targets, List<String> feedforward,
                      Function<LinkedHashMap<String, Var>, Optimizer> optimizerFor, LrSchedule schedule, int interval,
                      double maxGradNorm) {
        model.freeze();
        for (Site s : model.sites().values()) {
            String n = s.name();
            boolean ff = matches(n, feedforward);
            if (!ff && !matches(n, targets)) continue;
            int size = ff ? s.inFeatures() : s.outFeatures();
            scales.put(n, Var.param(Tensor.ones(s.dtype(), size)).named(n + ".ia3_l"));
            onInput.put(n, ff);
        }
        if (scales.isEmpty()) {
            throw new IllegalArgumentException(targets.equals(DEFAULT_TARGETS)
                    ? "IA3: the model has no attn.key, attn.value or mlp.fc2 sites (an MLP classifier has no attention)"
                    : "IA3: the model has no site matching " + targets + " or " + feedforward);
        }
        LinkedHashMap<String, Var> named = new LinkedHashMap<>();
        scales.forEach((n, v) -> named.put(n + ".ia3_l", v));
        this.step = new BackpropStep(optimizerFor.apply(named), schedule, interval, maxGradNorm);
    }

    @Override
    public String method() {
        return "ia3";
    }

    private static boolean matches(String name, List<String> suffixes) {
        for (String x : suffixes) if (name.equals(x) || name.endsWith("." + x)) return true;
        return false;
    }

    /** The scaling vectors by site name. */
    public LinkedHashMap<String, Var> scales() {
        return scales;
    }

    /**
     * The sites whose scaling multiplies the layer's <em>input</em> (PEFT's {@code feedforward_modules}: mlp.fc2),
     * in site order; the other scalings multiply the output.
     */
    public List<String> feedforwardSites() {
        return onInput.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey)
                .toList();
    }

    /** The optimizer over the scaling vectors (names {@code <site>.ia3_l}). */
    public Optimizer optimizer() {
        return step.optimizer();
    }

    @Override
    public double step(LossFunction loss, RowRouting routing, Rng dropoutRng) {
        if (!routing.isSingleUser()) {
            throw new IllegalArgumentException("IA3 baseline trains one user: mixed batches are not supported");
        }
        ForwardContext ctx = (dropoutRng == null ? ForwardContext.eval() : ForwardContext.train(dropoutRng))
                .withInterceptor(interceptor());
        return step.apply(loss.loss(ctx));
    }

    /** The interceptor that applies the current scalings (training, and evaluation of the adapted model). */
    public SiteInterceptor interceptor() {
        return (site, x, h) -> {
            Var l = scales.get(site.name());
            if (l == null) return h;
            if (!onInput.get(site.name())) return h.mul(l);                                  // [..., C] ⊙ [C]
            Var y = x.mul(l).matmul(Var.constant(site.weight()), false, true);               // [..., 4C]·[C, 4C]ᵀ
            return site.bias() == null ? y : y.add(Var.constant(site.bias()));
        };
    }
}
