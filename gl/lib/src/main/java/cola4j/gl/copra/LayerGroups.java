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
 * The adapters of a model grouped per transformer layer. A layer is identified by its stack and block index: the
 * site name up to and including the last {@code blocks.N} / {@code layers.N} segment (see {@link Site#layerIndex()}).
 * So {@code blocks.0.attn.query} and {@code blocks.0.attn.value} share group {@code layer 0}, while an
 * encoder-decoder's {@code encoder.blocks.0.*} and {@code decoder.blocks.0.*} are two different layers,
 * {@code encoder layer 0} and {@code decoder layer 0} (unlike {@link cola4j.models.site.SiteSelector}'s PEFT-style
 * layer filter, which calls both "layer 0"). A site without a block index (e.g. {@code lm_head}) forms a group of its
 * own, named after the site.
 *
 * <p>Order = depth order: stacks in the order their first site is given (encoder before decoder for
 * {@code EncoderDecoder.sites()}), blocks by index within a stack, then the unindexed sites in the order given.
 * CopRA draws one activation per group; Shapley values and pruning treat a group as one player / unit.
 */
public final class LayerGroups {
    private final List<String> names = new ArrayList<>();
    private final List<Set<String>> members = new ArrayList<>();
    private final List<Integer> layer = new ArrayList<>();

    /** Groups the given sites (at least one; names must be distinct). */
    public LayerGroups(Collection<? extends Site> sites) {
        if (sites.isEmpty()) throw new IllegalArgumentException("layer groups: no sites");
        // stack prefix ("" or "encoder." …) → block index → site names
        Map<String, java.util.TreeMap<Integer, Set<String>>> byStack = new LinkedHashMap<>();
        Map<String, Set<String>> own = new LinkedHashMap<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Site s : sites) {
            if (!seen.add(s.name())) throw new IllegalArgumentException("layer groups: duplicate site " + s.name());
            OptionalInt li = s.layerIndex();
            if (li.isPresent()) {
                byStack.computeIfAbsent(stackPrefix(s.name()), k -> new java.util.TreeMap<>())
                        .computeIfAbsent(li.getAsInt(), k -> new LinkedHashSet<>()).add(s.name());
            } else {
                own.put(s.name(), new LinkedHashSet<>(Set.of(s.name())));
            }
        }
        byStack.forEach((prefix, layers) -> layers.forEach((l, m) -> add(groupName(prefix, l), m, l)));
        own.forEach((n, m) -> add(n, m, -1));
    }

    /** The part of a site name before its last {@code blocks.N} / {@code layers.N} segment: "" or e.g. "encoder.". */
    static String stackPrefix(String siteName) {
        java.util.regex.Matcher m = Site.LAYER.matcher(siteName);
        int start = -1;
        while (m.find()) start = m.start();
        if (start < 0) throw new IllegalArgumentException("layer groups: site " + siteName + " has no block index");
        String head = siteName.substring(0, start);                  // the match may begin with the '.' separator
        return head.isEmpty() ? "" : head + ".";
    }

    /** {@code layer N} for a top-level stack, {@code encoder layer N} for prefix {@code encoder.}. */
    private static String groupName(String prefix, int layer) {
        return prefix.isEmpty() ? "layer " + layer : prefix.substring(0, prefix.length() - 1) + " layer " + layer;
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

    /** Group g's block index within its stack, or −1 for a site outside any block. */
    public int layerIndex(int g) {
        return layer.get(g);
    }

    /** Number of groups inside a block (layer index ≥ 0): the L of {@link PrunePattern}'s layer patterns. */
    public int layers() {
        int l = 0;
        for (int i : layer) if (i >= 0) l++;
        return l;
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
        if (active.length != size()) {
            throw new IllegalArgumentException("layer groups: mask has " + active.length + " entries for " + size()
                    + " groups");
        }
        Set<String> out = new LinkedHashSet<>();
        for (int g = 0; g < size(); g++) if (active[g]) out.addAll(members.get(g));
        return out;
    }

    /** The group names. */
    public List<String> names() {
        return List.copyOf(names);
    }
}
