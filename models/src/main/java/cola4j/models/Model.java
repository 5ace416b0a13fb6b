package cola4j.models;

import cola4j.models.site.Site;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.DType;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A base model ColA adapts: a {@link Module} whose Linear and Embedding layers are exposed as named
 * adaptation {@link Site}s. Parameter names are {@code site.name() + ".weight"} / {@code ".bias"}.
 */
public interface Model extends Module {
    /** Every site, in parameter order, keyed by its stable name. */
    LinkedHashMap<String, Site> sites();

    /** The sites a selector picks (see {@link SiteSelector} for the rules and errors). */
    default List<Site> sites(SiteSelector selector) {
        return selector.select(sites().values());
    }

    /** The floating-point type of every parameter and activation. */
    DType dtype();

    /** Site map helper: keys are the sites' names. */
    static LinkedHashMap<String, Site> index(List<? extends Site> sites) {
        LinkedHashMap<String, Site> m = new LinkedHashMap<>();
        for (Site s : sites) {
            if (m.put(s.name(), s) != null) throw new IllegalStateException("duplicate site name " + s.name());
        }
        return m;
    }
}
