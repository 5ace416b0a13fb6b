package cola4j.gl.ftaas;

import cola4j.autograd.Var;
import cola4j.gl.auxiliary.Activation;
import cola4j.gl.auxiliary.AuxSpec;
import cola4j.gl.auxiliary.AuxiliaryFactory;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.optim.AdamConfig;
import cola4j.gl.optim.AdamW;
import cola4j.gl.optim.Optimizer;
import cola4j.gl.optim.Sgd;
import cola4j.gl.optim.SgdConfig;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * One tenant of a session: what it adapts with and how it trains. The same spec builds the user's auxiliaries on
 * its device, the server's frozen replicas (unmerged ColA) and the user's adapters in the LoRA baseline, so all
 * start from identical weights.
 *
 * @param id        user id (row owner in mixed batches)
 * @param auxType   {@code lowrank}, {@code linear} or {@code mlp}
 * @param rank      LoRA rank r (lowrank); α = r, so the output scale α/r is 1
 * @param mlpHidden hidden width of an {@code mlp} auxiliary (one hidden layer, ReLU, with bias)
 * @param interval  adaptation interval I >= 1 (batches per optimizer step)
 * @param optimizer {@code adamw} (β = 0.9, 0.999; weight decay 0) or {@code sgd} (momentum 0.9)
 * @param lr        learning rate
 * @param seed      seed of the auxiliary initialization (site i uses seed·1000 + i)
 */
public record UserSpec(int id, String auxType, int rank, int mlpHidden, int interval, String optimizer, double lr, long seed) {
    public static final List<String> OPTIMIZERS = List.of("adamw", "sgd");

    public UserSpec {
        if (id < 0) throw new IllegalArgumentException("user spec: id must be >= 0, got " + id);
        if (!List.of("lowrank", "linear", "mlp").contains(auxType)) {
            throw new IllegalArgumentException("user " + id + ": auxiliary type '" + auxType + "' is not one of lowrank, linear, mlp");
        }
        if (rank < 1 || mlpHidden < 1 || interval < 1) throw new IllegalArgumentException("user " + id + ": rank, mlpHidden and interval must be >= 1");
        if (!OPTIMIZERS.contains(optimizer)) throw new IllegalArgumentException("user " + id + ": optimizer '" + optimizer + "' is not one of " + OPTIMIZERS);
        if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("user " + id + ": lr must be finite and > 0, got " + lr);
    }

    /** The same user with another auxiliary type. */
    public UserSpec withAux(String type) {
        return new UserSpec(id, type, rank, mlpHidden, interval, optimizer, lr, seed);
    }

    /** The same user with another seed. */
    public UserSpec withSeed(long s) {
        return new UserSpec(id, auxType, rank, mlpHidden, interval, optimizer, lr, s);
    }

    /** Whether this user's auxiliaries are linear (can be merged into the base weights). */
    public boolean mergeable() {
        return !auxType.equals("mlp");
    }

    /** The factory spec of site number {@code siteIndex}. */
    public AuxSpec auxSpec(int siteIndex, boolean bias, DType dtype) {
        return new AuxSpec(rank, rank, mlpHidden, 1, Activation.RELU, bias, dtype, seed * 1000 + siteIndex);
    }

    /** A fresh auxiliary per site (site name → model), deterministic in the spec. Linear auxiliaries get a bias iff the site has one. */
    public LinkedHashMap<String, AuxiliaryModel> auxiliaries(List<Site> sites, DType dtype) {
        LinkedHashMap<String, AuxiliaryModel> m = new LinkedHashMap<>();
        for (int i = 0; i < sites.size(); i++) {
            Site s = sites.get(i);
            String t = s.kind() == Site.Kind.EMBEDDING && auxType.equals("lowrank") ? "embedding" : auxType;
            m.put(s.name(), AuxiliaryFactory.create(t, s.inFeatures(), s.outFeatures(), auxSpec(i, s.bias() != null, dtype)));
        }
        return m;
    }

    /** This user's optimizer over {@code params}. */
    public Optimizer newOptimizer(LinkedHashMap<String, Var> params) {
        return optimizer.equals("sgd") ? new Sgd(params, new SgdConfig(lr, 0.9, 0, 0, false)) : new AdamW(params, new AdamConfig(lr, 0.9, 0.999, 1e-8, 0));
    }

    /**
     * K users from patterns: user u gets the (u mod n)-th entry of {@code auxPattern} split on {@code ~} (e.g.
     * {@code lowrank~linear} alternates), the same rank, interval, optimizer and lr, and seed {@code seed + u}.
     */
    public static List<UserSpec> cycle(int users, String auxPattern, int rank, int mlpHidden, int interval, String optimizer, double lr, long seed) {
        if (users < 1) throw new IllegalArgumentException("users must be >= 1, got " + users);
        String[] types = auxPattern.split("~", -1);
        return java.util.stream.IntStream.range(0, users)
                .mapToObj(u -> new UserSpec(u, types[u % types.length].trim(), rank, mlpHidden, interval, optimizer, lr, seed + u)).toList();
    }
}
