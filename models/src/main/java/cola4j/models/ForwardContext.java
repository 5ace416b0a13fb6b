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
 */
public record ForwardContext(boolean training, Rng rng, SiteInterceptor interceptor) {
    public ForwardContext {
        if (training && rng == null) {
            throw new IllegalArgumentException("ForwardContext: training mode needs an Rng for dropout");
        }
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
        return new ForwardContext(training, rng, i);
    }
}
