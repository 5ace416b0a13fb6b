package cola4j.gl.app.ftaas;

import cola4j.models.site.Site;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What a user device knows of an adapted site: its name, kind and shape, never the base weights. A user builds its
 * auxiliaries from these ({@link UserSpec#auxiliariesAt}); over the network the server sends them at attach.
 *
 * @param name    the site's name, e.g. {@code layers.0}
 * @param kind    LINEAR or EMBEDDING
 * @param in      input features (number of embeddings for an embedding site)
 * @param out     output features
 * @param hasBias whether the base layer has a bias (a linear auxiliary gets one iff it does)
 */
public record SiteShape(@JsonProperty("name") String name, @JsonProperty("kind") Site.Kind kind,
                        @JsonProperty("in") int in, @JsonProperty("out") int out,
                        @JsonProperty("has_bias") boolean hasBias) {
    /** Sizes are bounded so that a shape from the wire cannot ask for a huge allocation. */
    public static final int MAX_FEATURES = 1 << 16;

    public SiteShape {
        if (name == null || name.isEmpty() || name.contains("/")) {
            throw new IllegalArgumentException("site shape: bad name '" + name + "'");
        }
        if (kind == null) throw new IllegalArgumentException("site shape " + name + ": kind is required");
        if (in < 1 || out < 1 || in > MAX_FEATURES || out > MAX_FEATURES) {
            throw new IllegalArgumentException("site shape " + name + ": in and out must be in [1, " + MAX_FEATURES
                    + "], got " + in + " and " + out);
        }
    }

    /** The shape of a live site. */
    public static SiteShape of(Site s) {
        return new SiteShape(s.name(), s.kind(), s.inFeatures(), s.outFeatures(), s.bias() != null);
    }

    /** The shapes of live sites, in order. */
    public static List<SiteShape> of(List<Site> sites) {
        return sites.stream().map(SiteShape::of).toList();
    }
}
