package cola4j.gl.copra;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which adapters to remove after training (the pruning robustness study of CopRA). With L layer groups indexed
 * 0..L−1 by their block index order:
 *
 * <pre>
 *   every_other:   remove layers 1, 3, 5, …           (keep the even ones)
 *   lower_third:   remove layers [0, round(L/3))
 *   middle_third:  remove layers [round(L/3), round(2L/3))
 *   upper_third:   remove layers [round(2L/3), L)
 *   only_SUFFIX:   remove every site whose name ends with SUFFIX (e.g. only_attn.value), in all layers
 * </pre>
 *
 * Sites outside any block (e.g. {@code lm_head}, {@code head}) are kept by the layer patterns.
 *
 * @param name   the pattern's name in tables ({@code every_other}, …, {@code only_attn.value})
 * @param kind   which rule
 * @param suffix the site-name suffix for {@link Rule#SITE_KIND}; null otherwise
 */
public record PrunePattern(String name, Rule kind, String suffix) {
    /** The pattern's name; also its JSON form (as a value and as a map key). */
    @Override
    @JsonValue
    public String name() {
        return name;
    }

    /** The rules. */
    public enum Rule { EVERY_OTHER, LOWER_THIRD, MIDDLE_THIRD, UPPER_THIRD, SITE_KIND }

    public static PrunePattern everyOther() {
        return new PrunePattern("every_other", Rule.EVERY_OTHER, null);
    }

    public static PrunePattern third(int which) {
        return switch (which) {
            case 0 -> new PrunePattern("lower_third", Rule.LOWER_THIRD, null);
            case 1 -> new PrunePattern("middle_third", Rule.MIDDLE_THIRD, null);
            case 2 -> new PrunePattern("upper_third", Rule.UPPER_THIRD, null);
            default -> throw new IllegalArgumentException("prune pattern: third must be 0, 1 or 2, got " + which);
        };
    }

    /** Removes the sites whose names end with {@code "." + suffix} (or equal it). */
    public static PrunePattern siteKind(String suffix) {
        if (suffix == null || suffix.isBlank()) throw new IllegalArgumentException("prune pattern: empty site suffix");
        return new PrunePattern("only_" + suffix, Rule.SITE_KIND, suffix);
    }

    /** every_other, the three thirds, and one site kind per given suffix. */
    public static List<PrunePattern> standard(String... suffixes) {
        List<PrunePattern> l = new java.util.ArrayList<>(List.of(everyOther(), third(0), third(1), third(2)));
        for (String s : suffixes) l.add(siteKind(s));
        return l;
    }

    /** The site names this pattern removes (possibly empty, e.g. the middle third of 2 layers). */
    public Set<String> removed(LayerGroups groups) {
        Set<String> out = new LinkedHashSet<>();
        if (kind == Rule.SITE_KIND) {
            for (String s : groups.allSites()) if (s.equals(suffix) || s.endsWith("." + suffix)) out.add(s);
            return out;
        }
        List<Integer> layered = new java.util.ArrayList<>();
        for (int g = 0; g < groups.size(); g++) if (groups.layerIndex(g) >= 0) layered.add(g);
        int l = layered.size();
        for (int j = 0; j < l; j++) {
            boolean drop = switch (kind) {
                case EVERY_OTHER -> j % 2 == 1;
                case LOWER_THIRD -> j < Math.round(l / 3.0);
                case MIDDLE_THIRD -> j >= Math.round(l / 3.0) && j < Math.round(2 * l / 3.0);
                case UPPER_THIRD -> j >= Math.round(2 * l / 3.0);
                default -> false;
            };
            if (drop) out.addAll(groups.sites(layered.get(j)));
        }
        return out;
    }
}
