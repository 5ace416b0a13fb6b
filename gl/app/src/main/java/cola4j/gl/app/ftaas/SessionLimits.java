package cola4j.gl.app.ftaas;

import cola4j.gl.app.command.Limits;
import cola4j.models.site.Site;
import java.util.List;

/**
 * Bounds of an in-process FTaaS session ({@code cola ftaas}, {@code cola demo}), checked before anything large is
 * allocated, and an estimate of its memory against the heap. All K users, their optimizers and the server live in one
 * JVM here, so the estimate is the server's expected bytes ({@link AnalyticBytes#server}, buffers) plus every user
 * device's ({@link AnalyticBytes#user}), plus each user's activations ({@link AnalyticBytes#activationEstimate}: 4×
 * the step's adaptation data, a rough factor).
 */
public final class SessionLimits {
    private SessionLimits() {}

    /** Upper bounds of the size options. */
    public static final int MAX_USERS = Limits.MAX_USERS, MAX_RANK = Limits.MAX_RANK, MAX_ROWS = Limits.MAX_BATCH,
            MAX_STEPS = Limits.MAX_STEPS;

    /**
     * Bounds of a user's spec sent over the network ({@code cola user} options, checked again by the server at attach
     * so that no request can ask for a huge auxiliary).
     */
    public static final int NET_MAX_RANK = 64, NET_MAX_MLP_HIDDEN = 1024, NET_MAX_INTERVAL = 1000;

    /** Largest learning rate a network user may ask for. */
    public static final double NET_MAX_LR = Limits.MAX_LR;

    /**
     * The widest adapted site's min(d_in, d_out) over sites of {@code in × out} (the largest useful low-rank rank:
     * beyond it no site gains capacity, only memory); 0 for no site.
     */
    public static int widest(List<Site> sites) {
        return sites.stream().mapToInt(x -> Math.min(x.inFeatures(), x.outFeatures())).max().orElse(0);
    }

    /**
     * The one rank-versus-site-width check of train, ftaas, serve and user: a message when a low-rank rank exceeds
     * {@code widest} ({@link #widest}), else null.
     */
    public static String rankProblem(int rank, int widest, String model) {
        return rankProblem("--rank", rank, widest, model);
    }

    /** As {@link #rankProblem(int, int, String)} for a rank given by {@code option} (e.g. AdaLoRA's --init-r). */
    public static String rankProblem(String option, int rank, int widest, String model) {
        return widest > 0 && rank > widest ? option + " " + rank + " exceeds min(d_in, d_out) = " + widest
                + " of the widest adapted site of " + model : null;
    }

    /** The first size above its bound, as a message naming the option, or null. */
    public static String sizeProblem(int users, int rows, int steps, List<Integer> ranks) {
        if (users > MAX_USERS) return "--users " + users + " exceeds " + MAX_USERS;
        if (rows > MAX_ROWS) return "--rows " + rows + " exceeds " + MAX_ROWS;
        if (steps > MAX_STEPS) return "--steps " + steps + " exceeds " + MAX_STEPS;
        for (int r : ranks) if (r > MAX_RANK) return "--rank " + r + " exceeds " + MAX_RANK;
        return null;
    }

    /** Estimated bytes of the ColA session of {@code users} on {@code w} in {@code mode}. */
    public static <B> long estimate(TenantWorkload<B> w, List<UserSpec> users, ServingMethod method, int rowsPerUser) {
        List<Site> sites = w.adaptedSites(w.base());
        long total = AnalyticBytes.server(method, w.base(), users, sites).values().stream()
                .mapToLong(Long::longValue).sum();
        total += AnalyticBytes.serverBuffers(method, users, sites, rowsPerUser, w.positionsPerRow(), w.base().dtype());
        for (UserSpec u : users) {
            total += AnalyticBytes.user(u, sites, w.base().dtype()).values().stream().mapToLong(Long::longValue).sum();
        }
        return total + users.size()
                * AnalyticBytes.activationEstimate(sites, rowsPerUser, w.positionsPerRow(), w.base().dtype());
    }
}
