package cola4j.models.site;

import cola4j.autograd.Var;

/**
 * Called by every adaptation site during a forward that carries this interceptor
 * ({@link cola4j.models.ForwardContext#withInterceptor}), with the site's input and its base output.
 * The returned Var is what the rest of the network sees: {@code h} itself (observe only) or, for ColA /
 * LoRA, {@code h + g(x)}. Shapes: Linear x [..., in], h [..., out] (e.g. [B, T, C] in transformers,
 * [B, in] in MLPs); Embedding x = one-hot ids [B, T, num] (a constant), h [B, T, dim].
 *
 * <p>To obtain dL/dh even when every base parameter is frozen (h then requires no grad), return
 * {@link Var#tap}(h) and read its gradient with a hook or {@code retainGrad()}; {@link GradientProbe} does that.
 * The interceptor is an ordinary object: it holds whatever state it needs, per forward, and nothing global.
 */
@FunctionalInterface
public interface SiteInterceptor {
    /** Returns the output the network should use in place of {@code h}; must have h's shape and dtype. */
    Var intercept(Site site, Var x, Var h);
}
