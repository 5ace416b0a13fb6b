package cola4j.gl.app.ftaas;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Learning curves: per user, (step, metric) points in order. */
final class Curves {
    private final Map<String, List<double[]>> points = new LinkedHashMap<>();

    void add(int user, int step, double metric) {
        points.computeIfAbsent("user-" + user, k -> new ArrayList<>()).add(new double[] {step, metric});
    }

    /** user-k → [[step, metric], …]. */
    Map<String, List<double[]>> points() {
        return points;
    }

    /** user-k → the last metric. */
    Map<String, Double> finals() {
        Map<String, Double> m = new LinkedHashMap<>();
        points.forEach((u, l) -> m.put(u, l.get(l.size() - 1)[1]));
        return m;
    }
}
