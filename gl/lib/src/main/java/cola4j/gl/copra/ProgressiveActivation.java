package cola4j.gl.copra;

import cola4j.tensor.Rng;
import java.util.Set;

/**
 * CopRA's random layer activation. At step k every group g (one per layer, see {@link LayerGroups}) draws
 * u_g ~ U[0, 1) from one explicit {@link Rng}, and is active iff u_g ≤ p(k) ({@link ProgressiveSchedule}). If no
 * group is active the whole draw is repeated, so at least one group is always active. Same seed, same draws.
 *
 * <p>An inactive group's adapters contribute nothing to the forward pass and take no update that step (the trainers
 * receive the active set: {@code LoraTrainer.step(..., activeSites)}, {@code ColaTrainer.step(..., activeSites)}).
 */
public final class ProgressiveActivation {
    private final ProgressiveSchedule schedule;
    private final LayerGroups groups;
    private final Rng rng;
    private boolean[] last;
    private int redraws;

    /**
     * @param schedule p(k)
     * @param groups   the groups that draw together
     * @param rng      the source of the uniform draws (owned: no one else should draw from it)
     */
    public ProgressiveActivation(ProgressiveSchedule schedule, LayerGroups groups, Rng rng) {
        this.schedule = schedule;
        this.groups = groups;
        this.rng = rng;
    }

    /** The active groups at step k (at least one true). */
    public boolean[] drawGroups(int step) {
        double p = schedule.probability(step);
        boolean[] active = new boolean[groups.size()];
        while (true) {
            boolean any = false;
            for (int g = 0; g < active.length; g++) {
                active[g] = rng.nextDouble() <= p;
                any |= active[g];
            }
            if (any) break;
            redraws++;
        }
        last = active.clone();
        return active;
    }

    /** The active site names at step k: the union of the active groups' sites. */
    public Set<String> draw(int step) {
        return groups.sites(drawGroups(step));
    }

    /** The groups of the last draw (null before the first). */
    public boolean[] lastGroups() {
        return last == null ? null : last.clone();
    }

    /** How many all-inactive draws were rejected so far (the at-least-one rule). */
    public int redraws() {
        return redraws;
    }

    public ProgressiveSchedule schedule() {
        return schedule;
    }

    public LayerGroups groups() {
        return groups;
    }
}
