package cola4j.models.site;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which sites to adapt, in the manner of PEFT's {@code LoraConfig}: either a list of name suffixes
 * ({@code target_modules}: a site matches if its name equals a suffix or ends with {@code "." + suffix}) or
 * one regular expression that must match the whole name ({@code re.fullmatch}), optionally restricted to
 * block indices ({@code layers_to_transform}; the N of {@code blocks.N} / {@code layers.N}, so
 * {@code encoder.blocks.0} and {@code decoder.blocks.0} are both layer 0, as in PEFT).
 *
 * <p>Selection is strict: a suffix that matches no site, a regex that matches nothing, or a layer index that no
 * selected site has is an {@link IllegalArgumentException} that lists the available names.
 *
 * @param targetModules     name suffixes; null when {@code regex} is used
 * @param regex             full-match regular expression over site names; null when {@code targetModules} is used
 * @param layersToTransform block indices to keep; null = all (sites outside any block are then kept too)
 */
public record SiteSelector(List<String> targetModules, String regex, List<Integer> layersToTransform) {
    public SiteSelector {
        if ((targetModules == null) == (regex == null)) {
            throw new IllegalArgumentException("SiteSelector: give exactly one of targetModules and regex");
        }
        if (targetModules != null) {
            if (targetModules.isEmpty()) throw new IllegalArgumentException("SiteSelector: targetModules is empty");
            targetModules = List.copyOf(targetModules);
        }
        if (regex != null) {
            try {
                Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("SiteSelector: invalid regex '" + regex + "': " + e.getDescription(),
                        e);
            }
        }
        if (layersToTransform != null) layersToTransform = List.copyOf(layersToTransform);
    }

    /** Sites whose names end with one of the suffixes (PEFT {@code target_modules=[...]}). */
    public static SiteSelector suffixes(String... suffixes) {
        return new SiteSelector(List.of(suffixes), null, null);
    }

    /** Sites whose whole name matches the regex (PEFT {@code target_modules="..."}). */
    public static SiteSelector regex(String regex) {
        return new SiteSelector(null, regex, null);
    }

    /** Every site. */
    public static SiteSelector all() {
        return regex(".*");
    }

    /** The same selection restricted to the given block indices (PEFT {@code layers_to_transform}). */
    public SiteSelector layers(int... indices) {
        List<Integer> l = new ArrayList<>();
        for (int i : indices) l.add(i);
        return new SiteSelector(targetModules, regex, l);
    }

    /** The selected sites, in the order given. */
    public <S extends Site> List<S> select(Collection<S> sites) {
        List<String> names = sites.stream().map(Site::name).toList();
        List<S> out = new ArrayList<>();
        if (targetModules != null) {
            for (String suffix : targetModules) {
                if (sites.stream().noneMatch(s -> matchesSuffix(s.name(), suffix))) {
                    throw new IllegalArgumentException("SiteSelector: target module '" + suffix
                            + "' matches no site; available: " + names);
                }
            }
            for (S s : sites) if (targetModules.stream().anyMatch(t -> matchesSuffix(s.name(), t))) out.add(s);
        } else {
            Pattern p = Pattern.compile(regex);
            for (S s : sites) if (p.matcher(s.name()).matches()) out.add(s);
            if (out.isEmpty()) {
                throw new IllegalArgumentException("SiteSelector: regex '" + regex
                        + "' matches no site; available: " + names);
            }
        }
        if (layersToTransform == null) return out;
        TreeSet<Integer> present = new TreeSet<>();
        for (S s : out) s.layerIndex().ifPresent(present::add);
        for (int l : layersToTransform) {
            if (!present.contains(l)) {
                throw new IllegalArgumentException("SiteSelector: layer " + l
                        + " has no selected site; selected sites have layers " + present + "; available: " + names);
            }
        }
        List<S> kept = new ArrayList<>();
        for (S s : out) {
            OptionalInt li = s.layerIndex();
            if (li.isPresent() && layersToTransform.contains(li.getAsInt())) kept.add(s);
        }
        return kept;
    }

    private static boolean matchesSuffix(String name, String suffix) {
        return name.equals(suffix) || name.endsWith("." + suffix);
    }
}
