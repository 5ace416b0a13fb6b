package cola4j.gl.cola;

import cola4j.autograd.Var;
import cola4j.gl.AdaptationData;
import cola4j.gl.UserFit;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ColA with stale users: every user's update reaches the server k steps late. At step t (0-based) the server
 * evaluates user u's auxiliaries at the version w_{max(0, t−k)}, the user computes the Gradient Learning gradient at
 * that same version (it keeps the versions it sent) and applies it to its current parameters:
 *
 * <pre>
 *   w_{t+1} = opt(w_t, Σ J_{w_{t−k}}ᵀ dL_t/dh)  = opt(w_t, ∇_w L_t(w_{t−k})) delayed-gradient descent, delay k
 * </pre>
 *
 * (P10, {@link cola4j.gl.verify.StalenessProposition}). k = 0 is ordinary ColA. The server never holds more than
 * the one served version per user; the user holds k + 1 versions (value tensors are immutable, so a version is a
 * map of references). Interval 1 and one fit pass only ({@link UserFit#offerServedAt}).
 *
 * <p>{@link Gradient#AT_CURRENT} is the naive alternative, kept as a negative control: the user applies the served
 * dL/dh to the Jacobian of its current w_t, which is not a gradient of L at any single point (for a low-rank
 * auxiliary J depends on w) and leaves the delayed-gradient trajectory.
 */
public final class StaleColaTrainer implements Trainer {
    /** Upper bound on the staleness k. */
    public static final int MAX_STALENESS = 10_000;

    /** Where the user evaluates the Jacobian of its Gradient Learning step. */
    public enum Gradient {
        /** At the version the server used (delayed-gradient descent; P10). */
        AT_SERVED,
        /** At the user's current version (negative control). */
        AT_CURRENT
    }

    private final ColaServer server;
    private final ColaMode mode;
    private final int staleness;
    private final Gradient gradient;
    private final Map<Integer, UserFit> users = new LinkedHashMap<>();
    private final Map<Integer, LinkedHashMap<String, AuxiliaryModel>> served = new LinkedHashMap<>();
    private final Map<Integer, List<Map<String, Tensor>>> versions = new LinkedHashMap<>();

    /**
     * @param users     the users (interval 1, one pass)
     * @param shadows   per user id an auxiliary map of the same structure as the user's (the server's copy: it is
     *                  overwritten with the served version each step)
     * @param staleness k in [0, {@value #MAX_STALENESS}]
     */
    public StaleColaTrainer(ColaServer server, List<UserFit> users,
                            Map<Integer, LinkedHashMap<String, AuxiliaryModel>> shadows, ColaMode mode, int staleness,
                            Gradient gradient) {
        if (staleness < 0 || staleness > MAX_STALENESS) {
            throw new IllegalArgumentException("staleness must be in [0, " + MAX_STALENESS + "], got " + staleness);
        }
        this.server = server;
        this.mode = mode;
        this.staleness = staleness;
        this.gradient = gradient;
        for (UserFit u : users) {
            if (this.users.put(u.id(), u) != null) throw new IllegalArgumentException("ColA: duplicate user " + u.id());
            if (u.config().interval() != 1 || !u.config().singlePass()) {
                throw new IllegalArgumentException("ColA staleness: user " + u.id()
                        + " needs interval 1 and one fit pass");
            }
            LinkedHashMap<String, AuxiliaryModel> sh = shadows.get(u.id());
            if (sh == null || !UserFit.parameters(sh).keySet().equals(UserFit.parameters(u.auxiliaries()).keySet())) {
                throw new IllegalArgumentException("ColA staleness: user " + u.id()
                        + " needs a server copy with the same parameters");
            }
            served.put(u.id(), sh);
            versions.put(u.id(), new ArrayList<>(List.of(values(u.auxiliaries()))));
        }
    }

    @Override
    public String method() {
        return "cola";
    }

    public int staleness() {
        return staleness;
    }

    private static Map<String, Tensor> values(Map<String, AuxiliaryModel> aux) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        UserFit.parameters(aux).forEach((n, v) -> m.put(n, v.value()));
        return m;
    }

    @Override
    public double step(LossFunction loss, RowRouting routing, Rng dropoutRng) {
        Map<Integer, Map<String, AuxiliaryModel>> aux = new LinkedHashMap<>();
        for (int u : routing.rowsByUser().keySet()) {
            if (!users.containsKey(u)) throw new IllegalArgumentException("ColA: batch has rows of unknown user " + u);
            List<Map<String, Tensor>> hist = versions.get(u);
            Map<String, Tensor> v = hist.get(Math.max(0, hist.size() - 1 - staleness));
            LinkedHashMap<String, Var> p = UserFit.parameters(served.get(u));
            v.forEach((n, t) -> p.get(n).setValue(t));
            aux.put(u, served.get(u));
        }
        ColaServer.Pass pass = server.pass(loss, aux, routing, mode, dropoutRng);
        for (Map.Entry<Integer, List<AdaptationData>> e : pass.dataByUser().entrySet()) {
            UserFit user = users.get(e.getKey());
            user.offerServedAt(e.getValue(),
                    gradient == Gradient.AT_SERVED ? served.get(e.getKey()) : user.auxiliaries());
            List<Map<String, Tensor>> hist = versions.get(e.getKey());
            hist.add(values(user.auxiliaries()));
            if (hist.size() > staleness + 1) hist.remove(0);
        }
        return pass.loss();
    }
}
