package cola4j.autograd;

/** Running maxima of the absolute and relative errors of a {@link GradCheck}, and the worst element. */
final class GradCompare {
    private final double floor;
    private double maxAbs, maxRel = -1, worstA, worstN, maxA;
    private int worstInput = -1, worstIndex = -1, checked;
    private String worstName = "none";

    GradCompare(double floor) {
        this.floor = floor;
    }

    void add(int input, String name, int index, double a, double n) {
        double abs = Math.abs(a - n);
        double rel = abs / Math.max(Math.max(Math.abs(a), Math.abs(n)), floor);
        if (Double.isNaN(abs)) rel = abs = Double.POSITIVE_INFINITY;
        maxAbs = Math.max(maxAbs, abs);
        maxA = Math.max(maxA, Math.abs(a));
        if (rel > maxRel) {
            maxRel = rel;
            worstInput = input;
            worstName = name;
            worstIndex = index;
            worstA = a;
            worstN = n;
        }
        checked++;
    }

    GradCheck.Result result() {
        return new GradCheck.Result(maxAbs, Math.max(maxRel, 0), worstInput, worstName, worstIndex, worstA, worstN,
                maxA, checked);
    }
}
