package cola4j.gl.copra;

import cola4j.models.site.Site;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The adapters of a model grouped per transformer layer: every adapted site whose name has a block index
 * ({@code blocks.N.} / {@code layers.N}, see {@link Site#layerIndex()}) joins group {@code layer N}; a site without
 * one (e.g. {@code lm_head}) forms a group of its own, named after the site. Groups are ordered by layer index, then
 * the unindexed sites in the order given. CopRA draws one activation per group; Shapley values and pruning treat a
 * group as one player / unit.
 */
public final class LayerGroups {
    private final List<String> names = new ArrayList<>();
    private final List<Set<String>> members = new ArrayList<>();
    private final List<Integer> layer = new ArrayList<>();

    /** Groups the given sites (at least one; names must be distinct). */
    public LayerGroups(Collection<? extends Site> sites) {
        if (sites.isEmpty()) throw new IllegalArgumentException("layer groups: no sites");
        java.util.TreeMap<Integer, Set<String>> byLayer = new java.util.TreeMap<>();
        Map<String, Set<String>> own = new LinkedHashMap<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Site s : sites) {
            if (!seen.add(s.name())) throw new IllegalArgumentException("layer groups: duplicate site " + s.name());
            OptionalInt li = s.layerIndex();
            if (li.isPresent()) byLayer.computeIfAbsent(li.getAsInt(), k -> new LinkedHashSet<>()).add(s.name());
            else own.put(s.name(), new LinkedHashSet<>(Set.of(s.name())));
        }
        byLayer.forEach((l, m) -> add("layer " + l, m, l));
        own.forEach((n, m) -> add(n, m, -1));
    }

    private void add(String name, Set<String> m, int l) {
        names.add(name);
        members.add(java.util.Collections.unmodifiableSet(m));
        layer.add(l);
    }

    /** Number of groups G. */
    public int size() {
        return names.size();
    }

    /** Group g's name: {@code layer N} or the site name. */
    public String name(int g) {
        return names.get(g);
    }

    /** The site names of group g. */
    public Set<String> sites(int g) {
        return members.get(g);
    }

    /** Group g's block index, or −1 for a site outside any block. */
    public int layerIndex(int g) {
        return layer.get(g);
    }

    /** Every site name, group by group. */
    public Set<String> allSites() {
        Set<String> out = new LinkedHashSet<>();
        members.forEach(out::addAll);
        return out;
    }

    /** The union of the sites of the groups whose bit is set in {@code mask} (bit g = group g). */
    public Set<String> sites(long mask) {
        Set<String> out = new LinkedHashSet<>();
        for (int g = 0; g < size(); g++) if ((mask >>> g & 1L) != 0) out.addAll(members.get(g));
        return out;
    }

    /** The union of the sites of the groups where {@code active[g]} is true. */
    public Set<String> sites(boolean[] active) {
        if (active.length != size()) throw new IllegalArgumentException("layer groups: mask has " + active.length + " entries for " + size() + " groups");
        Set<String> out = new LinkedHashSet<>();
        for (int g = 0; g < size(); g++) if (active[g]) out.addAll(members.get(g));
        return out;
    }

    /** The group names. */
    public List<String> names() {
        return List.copyOf(names);
    }
}
