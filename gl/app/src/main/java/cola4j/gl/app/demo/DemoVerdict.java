package cola4j.gl.app.demo;

import cola4j.gl.app.ftaas.MethodResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The demo's per-user pass criteria, on accuracy a_u of a method for user u, the untouched base's b_u and the chance
 * level c_u (the commonest test label's rate, {@link cola4j.models.data.DigitsTask#chance()}):
 * <pre>
 *   the base is near chance on u        ⇔  |b_u − c_u| ≤ tolerance
 *   a method clearly beats base and chance on u  ⇔  a_u ≥ b_u + margin  and  a_u ≥ c_u + margin
 * </pre>
 * A user the method stopped (no metric) fails. The criterion does not apply to {@code cola-lowrank-merged-average}: it
 * merges one averaged ΔW for all users and so serves no user its own adapter.
 */
public final class DemoVerdict {
    private DemoVerdict() {}

    /** The method the per-user criterion does not apply to. */
    public static final String MERGED_AVERAGE = "cola-lowrank-merged-average";

    /** Whether the per-user criterion applies to {@code method}. */
    public static boolean appliesTo(String method) {
        return !method.equals(MERGED_AVERAGE);
    }

    /** |base − chance| ≤ tolerance. */
    public static boolean nearChance(double base, double chance, double tolerance) {
        return Math.abs(base - chance) <= tolerance;
    }

    /** accuracy ≥ base + margin and accuracy ≥ chance + margin. */
    public static boolean beats(double accuracy, double base, double chance, double margin) {
        return accuracy >= base + margin && accuracy >= chance + margin;
    }

    /** The users (keys of {@code base}, in order) on which {@code metrics} does not clearly beat base and chance. */
    public static List<String> failing(Map<String, Double> metrics, Map<String, Double> base,
            Map<String, Double> chance, double margin) {
        return failing(metrics, base, chance, margin, Set.of());
    }

    /**
     * As {@link #failing(Map, Map, Map, double)}, where the users in {@code stopped} (a session stopped them, e.g. on
     * divergence: {@link MethodResult#errors}) always fail, marked "(stopped)", whatever metric they last reported.
     */
    public static List<String> failing(Map<String, Double> metrics, Map<String, Double> base,
            Map<String, Double> chance, double margin,
                                       Set<String> stopped) {
        List<String> out = new ArrayList<>();
        for (String u : base.keySet()) {
            Double a = metrics.get(u);
            if (stopped.contains(u)) out.add(u + " (stopped)");
            else if (a == null || !beats(a, base.get(u), chance.get(u), margin)) out.add(u);
        }
        return out;
    }

    /** The users on which the base is not near chance. */
    public static List<String> notNearChance(Map<String, Double> base, Map<String, Double> chance, double tolerance) {
        List<String> out = new ArrayList<>();
        for (String u : base.keySet()) if (!nearChance(base.get(u), chance.get(u), tolerance)) out.add(u);
        return out;
    }
}
