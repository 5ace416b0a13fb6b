package cola4j.models.site;

import cola4j.autograd.Var;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An interceptor that records, for each selected site, its input x and output h, and makes dL/dh observable:
 * it returns {@link Var#tap}(h) with its gradient retained, so the value is h itself (the same tensor) while
 * after {@code loss.backward()} the tap's gradient is exactly dL/dh — also when every base parameter is frozen
 * (then no parameter gradient is allocated).
 * One probe serves one forward/backward; sites called more than once per forward record one entry per call.
 * This is the one place where dL/dh is captured: the ColA server's interceptor ({@code cola4j.gl.cola}) delegates
 * its capture to a probe and only adds the auxiliary output on top.
 */
public final class GradientProbe implements SiteInterceptor {
    /** What one site call saw: x and h values and the tap whose grad is dL/dh after backward. */
    public record Capture(Site site, Tensor x, Tensor h, Var tap) {
        /** dL/dh (same shape as h), or null if backward has not reached this site. */
        public Tensor gradH() {
            return tap.grad();
        }
    }

    private final Set<String> names;
    private final Map<String, List<Capture>> captures = new LinkedHashMap<>();
    private final List<Capture> calls = new ArrayList<>();

    /** Probes the given sites only. */
    public GradientProbe(Collection<? extends Site> sites) {
        this(sites.stream().map(Site::name).collect(Collectors.toSet()));
    }

    /** Probes the sites with these names only. */
    public GradientProbe(Set<String> siteNames) {
        this.names = Set.copyOf(siteNames);
    }

    @Override
    public Var intercept(Site site, Var x, Var h) {
        if (!names.contains(site.name())) return h;
        Var tap = Var.tap(h).retainGrad();
        Capture c = new Capture(site, x.value(), h.value(), tap);
        captures.computeIfAbsent(site.name(), k -> new ArrayList<>()).add(c);
        calls.add(c);
        return tap;
    }

    /** Every capture in call order (all sites interleaved as the forward pass called them). */
    public List<Capture> calls() {
        return calls;
    }

    /** Captures by site name, in call order. */
    public Map<String, List<Capture>> captures() {
        return captures;
    }

    /** The single capture of a site called once; error if it was called zero or several times. */
    public Capture only(String siteName) {
        List<Capture> c = captures.get(siteName);
        if (c == null || c.size() != 1) {
            throw new IllegalArgumentException("GradientProbe: site " + siteName + " was captured "
                    + (c == null ? 0 : c.size()) + " times; captured sites: " + captures.keySet());
        }
        return c.get(0);
    }
}
