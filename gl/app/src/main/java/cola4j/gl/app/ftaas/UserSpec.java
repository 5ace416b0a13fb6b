package cola4j.gl.app.ftaas;

import cola4j.autograd.Var;
import cola4j.gl.auxiliary.Activation;
import cola4j.gl.auxiliary.AuxSpec;
import cola4j.gl.auxiliary.AuxiliaryFactory;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.auxiliary.LoraVariant;
import cola4j.gl.auxiliary.RsLora;
import cola4j.gl.optim.Adam;
import cola4j.gl.optim.AdamConfig;
import cola4j.gl.optim.AdamW;
import cola4j.gl.optim.Optimizer;
import cola4j.gl.optim.Sgd;
import cola4j.gl.optim.SgdConfig;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.optim.OptimizerKind;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * One tenant of a session: what it adapts with and how it trains. The same spec builds the user's auxiliaries on
 * its device, the server's frozen replicas (unmerged ColA) and the user's adapters in the LoRA baseline, so all
 * start from identical weights; every session (ColA, LoRA, full) honours the user's own interval and optimizer.
 *
 * @param id        user id (row owner in mixed batches)
 * @param auxType   auxiliary type (lowrank: (α/r)·B·A with α = r; linear: W (+ b iff the site has a bias); mlp:
 *                  one hidden layer)
 * @param rank      LoRA rank r (lowrank); α = r, so the output scale α/r is 1
 * @param mlpHidden hidden width of an {@code mlp} auxiliary (one hidden layer, ReLU, with bias)
 * @param interval  adaptation interval I >= 1 (batches per optimizer step)
 * @param optimizer optimizer kind (settings: {@link #newOptimizer})
 * @param lr        learning rate
 * @param seed      seed of the auxiliary initialization (site i uses seed·1000 + i)
 * @param loraVariant lora, or rslora (a lowrank user's scale α/√r = √r instead of 1; {@code cola ftaas
 *                  --lora-variant}); null reads as lora. PiSSA and DoRA are refused: PiSSA puts a per-user residual
 *                  W0 − s·B0·A0 into the one base all users share, and DoRA's g needs W0 at the user, which a user
 *                  device never holds (docs/cola.md §10)
 */
public record UserSpec(int id, AuxiliaryKind auxType, int rank, int mlpHidden, int interval, OptimizerKind optimizer,
                       double lr, long seed, LoraVariant loraVariant) {
    /** The variants a session's users can take. */
    public static final List<LoraVariant> VARIANTS = List.of(LoraVariant.LORA, LoraVariant.RSLORA);

    /** A plain-LoRA user (every field but the variant). */
    public UserSpec(int id, AuxiliaryKind auxType, int rank, int mlpHidden, int interval, OptimizerKind optimizer,
                    double lr, long seed) {
        this(id, auxType, rank, mlpHidden, interval, optimizer, lr, seed, LoraVariant.LORA);
    }

    public UserSpec {
        if (loraVariant == null) loraVariant = LoraVariant.LORA;
        if (!VARIANTS.contains(loraVariant)) {
            throw new IllegalArgumentException("user " + id + ": lora variant " + loraVariant + " does not apply to"
                    + " a shared base (one of " + VARIANTS + ")");
        }
        if (loraVariant != LoraVariant.LORA && auxType != AuxiliaryKind.LOWRANK) {
            throw new IllegalArgumentException("user " + id + ": lora variant " + loraVariant + " needs aux lowrank");
        }
        if (id < 0) throw new IllegalArgumentException("user spec: id must be >= 0, got " + id);
        if (auxType == null || optimizer == null) {
            throw new IllegalArgumentException("user " + id + ": auxiliary type and optimizer are required");
        }
        if (!AuxiliaryKind.USER_CHOICES.contains(auxType)) {
            throw new IllegalArgumentException("user " + id + ": auxiliary type must be one of "
                    + AuxiliaryKind.userChoiceNames());
        }
        if (rank < 1 || mlpHidden < 1 || interval < 1) {
            throw new IllegalArgumentException("user " + id + ": rank, mlpHidden and interval must be >= 1");
        }
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("user " + id + ": lr must be finite and > 0, got " + lr);
        }
    }

    /** The same user with another auxiliary type. */
    public UserSpec withAux(AuxiliaryKind type) {
        return new UserSpec(id, type, rank, mlpHidden, interval, optimizer, lr, seed,
                type == AuxiliaryKind.LOWRANK ? loraVariant : LoraVariant.LORA);
    }

    /** The same user with another seed. */
    public UserSpec withSeed(long s) {
        return new UserSpec(id, auxType, rank, mlpHidden, interval, optimizer, lr, s, loraVariant);
    }

    /** The same user with another LoRA variant ({@link #VARIANTS}; a lowrank user). */
    public UserSpec withLoraVariant(LoraVariant v) {
        return new UserSpec(id, auxType, rank, mlpHidden, interval, optimizer, lr, seed, v);
    }

    /**
     * Whether this user's auxiliaries are linear in x (lowrank, linear), so ΔW can be merged into the base weights.
     */
    public boolean mergeable() {
        return auxType.mergeable();
    }

    /** The factory spec of site number {@code siteIndex}. */
    public AuxSpec auxSpec(int siteIndex, boolean bias, DType dtype) {
        return new AuxSpec(rank, rank, mlpHidden, 1, Activation.RELU, bias, dtype, seed * 1000 + siteIndex);
    }

    /** A fresh auxiliary per site (site name → model), deterministic in the spec ({@link #auxiliariesAt}). */
    public LinkedHashMap<String, AuxiliaryModel> auxiliaries(List<Site> sites, DType dtype) {
        return auxiliariesAt(SiteShape.of(sites), dtype);
    }

    /**
     * A fresh auxiliary per site shape (site name → model), deterministic in the spec: site i gets
     * {@link #auxSpec}(i, …). Linear auxiliaries get a bias iff the site has one.
     */
    public LinkedHashMap<String, AuxiliaryModel> auxiliariesAt(List<SiteShape> sites, DType dtype) {
        LinkedHashMap<String, AuxiliaryModel> m = new LinkedHashMap<>();
        for (int i = 0; i < sites.size(); i++) {
            SiteShape s = sites.get(i);
            AuxiliaryKind kind = auxType.at(s.kind());
            AuxSpec spec = auxSpec(i, s.hasBias(), dtype);
            m.put(s.name(), kind == AuxiliaryKind.LOWRANK && loraVariant == LoraVariant.RSLORA
                    ? RsLora.create(s.in(), s.out(), spec.lowRank())
                    : AuxiliaryFactory.create(kind, s.in(), s.out(), spec));
        }
        return m;
    }

    /**
     * This user's optimizer over {@code params} at its lr. The settings of a session (not {@code cola train}'s PyTorch
     * defaults): sgd with momentum 0.9 (no dampening, no weight decay); adam and adamw with β = (0.9, 0.999),
     * ε = 1e-8 and weight decay 0 (so the two make the same updates).
     */
    public Optimizer newOptimizer(LinkedHashMap<String, Var> params) {
        return switch (optimizer) {
            case SGD -> new Sgd(params, new SgdConfig(lr, 0.9, 0, 0, false));
            case ADAM -> new Adam(params, new AdamConfig(lr, 0.9, 0.999, 1e-8, 0));
            case ADAMW -> new AdamW(params, new AdamConfig(lr, 0.9, 0.999, 1e-8, 0));
        };
    }

    /** One line for reports: {@code lowrank r8 I1 adamw lr 0.02}. */
    public String describe() {
        return auxType.cliName() + (auxType == AuxiliaryKind.LOWRANK ? " r" + rank : auxType == AuxiliaryKind.MLP
                ? " h" + mlpHidden : "") + (loraVariant == LoraVariant.LORA ? "" : " " + loraVariant)
                + " I" + interval + " " + optimizer.cliName() + " lr " + lr;
    }

    /**
     * K users with one rank, interval, optimizer and lr and the auxiliary types of {@code auxPattern} cycled
     * ({@link UserPattern}; e.g. {@code lowrank~linear} alternates); user u gets seed {@code seed + u}.
     *
     * @throws IllegalArgumentException for an unknown auxiliary type or optimizer name, or a value out of range
     */
    public static List<UserSpec> cycle(int users, String auxPattern, int rank, int mlpHidden, int interval,
            String optimizer, double lr, long seed) {
        UserPattern p = new UserPattern(UserPattern.words(auxPattern, AuxiliaryKind::parseUserChoice), List.of(rank),
                List.of(interval), List.of(OptimizerKind.parse(optimizer)), List.of(lr));
        return p.cycle(users, mlpHidden, seed);
    }
}
