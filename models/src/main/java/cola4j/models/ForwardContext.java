package cola4j.models;

import cola4j.models.site.SiteInterceptor;
import cola4j.tensor.Rng;

/**
 * Everything a forward pass needs besides parameters and inputs, passed explicitly (there is no global
 * training flag, seed or hook registry).
 *
 * @param training    true: dropout is active and draws from {@code rng}; false: dropout is the identity
 * @param rng         source of dropout masks; required when training, ignored otherwise (may be null)
 * @param interceptor called by every adaptation site (Linear, Embedding) with its input and output; null = none
 * @param tokens      prompt/prefix tuning's virtual tokens for this pass ({@link VirtualTokens}); null = none
 */
public record ForwardContext(boolean training, Rng rng, SiteInterceptor interceptor, VirtualTokens tokens) {
    public ForwardContext {
        if (training && rng == null) {
            throw new IllegalArgumentException("ForwardContext: training mode needs an Rng for dropout");
        }
    }

    /** A context without virtual tokens. */
    public ForwardContext(boolean training, Rng rng, SiteInterceptor interceptor) {
        this(training, rng, interceptor, null);
    }

    /** Evaluation: no dropout, no interceptor. */
    public static ForwardContext eval() {
        return new ForwardContext(false, null, null);
    }

    /** Training: dropout masks drawn from {@code rng}, no interceptor. */
    public static ForwardContext train(Rng rng) {
        return new ForwardContext(true, rng, null);
    }

    /** The same context with the given interceptor (null removes it). */
    public ForwardContext withInterceptor(SiteInterceptor i) {
        return new ForwardContext(training, rng, i, tokens);
    }

    /** The same context with the given virtual tokens (null removes them). */
    public ForwardContext withTokens(VirtualTokens t) {
        return new ForwardContext(training, rng, interceptor, t);
    }

    /** The prompt of stack {@code stack} in this pass, or null. */
    public cola4j.autograd.Var prompt(String stack) {
        return tokens == null ? null : tokens.prompt(stack);
    }

    /** The key/value prefix of attention {@code attention} in this pass, or null. */
    public VirtualTokens.KeyValue prefix(String attention) {
        return tokens == null ? null : tokens.prefix(attention);
    }
}
