package cola4j.models;

import cola4j.tensor.Rng;

/** Next-token choice from a row of logits (computed in double). */
final class Sampling {
    private Sampling() {}

    /** Index of the largest logit; the lowest index wins ties. */
    static int argmax(double[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    /** Draws i with probability softmax(logits / temperature)_i using one uniform from rng. */
    static int sample(double[] logits, double temperature, Rng rng) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) max = Math.max(max, l);
        double[] p = new double[logits.length];
        double z = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            z += p[i];
        }
        double u = rng.nextDouble() * z, acc = 0;
        for (int i = 0; i < p.length; i++) {
            acc += p[i];
            if (u < acc) return i;
        }
        int last = p.length - 1; // u rounded up to z: the last token with nonzero probability
        while (last > 0 && p[last] == 0) last--;
        return last;
    }
}
