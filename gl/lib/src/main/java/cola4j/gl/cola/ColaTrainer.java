package cola4j.gl.cola;

import cola4j.gl.UserFit;
import cola4j.gl.AdaptationData;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.tensor.Rng;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ColA end to end in one process: a {@link ColaServer} and its {@link UserFit}s. A step is
 *
 * <pre>
 *   server: forward (h + g(x) or merged W + ΔW) and backward → adaptation data (x_i, dL/dh_i) per user and site
 *   users:  buffer; every I batches one Gradient Learning step on their own auxiliary models
 * </pre>
 *
 * The server reads the users' auxiliaries only to evaluate them (frozen) or to merge their deltas; it never
 * differentiates or updates them.
 */
public final class ColaTrainer implements Trainer {
    private final ColaServer server;
    private final Map<Integer, UserFit> users = new LinkedHashMap<>();
    private final ColaMode mode;
    private ColaServer.Pass last;

    public ColaTrainer(ColaServer server, List<UserFit> users, ColaMode mode) {
        this.server = server;
        this.mode = mode;
        for (UserFit u : users) {
            if (this.users.put(u.id(), u) != null) {
                throw new IllegalArgumentException("ColA: duplicate user id " + u.id());
            }
            if (!u.auxiliaries().keySet().equals(server.sites().keySet())) {
                throw new IllegalArgumentException("ColA: user " + u.id() + " adapts " + u.auxiliaries().keySet()
                        + " but the server adapts " + server.sites().keySet());
            }
        }
    }

    @Override
    public String method() {
        return "cola";
    }

    public ColaServer server() {
        return server;
    }

    public ColaMode mode() {
        return mode;
    }

    public Map<Integer, UserFit> users() {
        return users;
    }

    /** The last server pass (adaptation data, hidden gradients), for inspection. */
    public ColaServer.Pass lastPass() {
        return last;
    }

    @Override
    public double step(LossFunction loss, RowRouting routing, Rng dropoutRng) {
        return step(loss, routing, dropoutRng, null);
    }

    /**
     * A step in which only {@code activeSites} are adapted (see {@link ColaServer#pass(LossFunction, Map, RowRouting,
     * ColaMode, Rng, Set)}): inactive sites send no adaptation data, so the users buffer nothing for them and their
     * auxiliaries get no gradient (null) at the next fit — the optimizers skip them, state included.
     *
     * @param activeSites adapted sites active this step; null = all
     */
    public double step(LossFunction loss, RowRouting routing, Rng dropoutRng, Set<String> activeSites) {
        Map<Integer, Map<String, AuxiliaryModel>> aux = new LinkedHashMap<>();
        for (int u : routing.rowsByUser().keySet()) {
            UserFit user = users.get(u);
            if (user == null) {
                throw new IllegalArgumentException("ColA: batch has rows of unknown user " + u + "; users: "
                        + users.keySet());
            }
            aux.put(u, new LinkedHashMap<>(user.auxiliaries()));
        }
        last = server.pass(loss, aux, routing, mode, dropoutRng, activeSites);
        for (Map.Entry<Integer, List<AdaptationData>> e : last.dataByUser().entrySet()) {
            users.get(e.getKey()).offer(e.getValue());
        }
        return last.loss();
    }
}
