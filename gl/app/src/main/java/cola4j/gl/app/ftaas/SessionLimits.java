package cola4j.gl.app.ftaas;

import cola4j.gl.app.command.Limits;
import cola4j.models.site.Site;
import java.util.List;

/**
 * Bounds of an in-process FTaaS session ({@code cola ftaas}, {@code cola demo}), checked before anything large is
 * allocated, and an estimate of its memory against the heap. All K users, their optimizers and the server live in one
 * JVM here, so the estimate is the server's expected bytes ({@link AnalyticBytes#server}, buffers) plus every user
 * device's ({@link AnalyticBytes#user}), plus activations taken as 4× the step's adaptation data (a rough factor:
 * the forward keeps a few tensors of that size per site).
 */
public final class SessionLimits {
    private SessionLimits() {}

    /** Upper bounds of the size options. */
    public static final int MAX_USERS = Limits.MAX_USERS, MAX_RANK = Limits.MAX_RANK, MAX_ROWS = Limits.MAX_BATCH,
            MAX_STEPS = Limits.MAX_STEPS;

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
        long x = AnalyticBytes.adaptationDataBytes(sites, rowsPerUser, w.positionsPerRow(), w.base().dtype());
        return total + 4L * users.size() * x;
    }
}
