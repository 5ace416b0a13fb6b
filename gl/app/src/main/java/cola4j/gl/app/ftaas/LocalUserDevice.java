package cola4j.gl.app.ftaas;

import cola4j.autograd.Var;
import cola4j.gl.AdaptationData;
import cola4j.gl.FitStep;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.UserFit;
import cola4j.gl.UserFitConfig;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import cola4j.tensor.memory.Device;
import cola4j.tensor.memory.MemCategory;
import cola4j.tensor.memory.MemoryLedger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * A {@link UserDevice} in this process around a {@link UserFit} (no gradient clipping, no schedule). It records
 * what it holds in the ledger under device {@code user-<id>}:
 * <pre>
 *   PARAMETERS       Σ_sites auxiliary parameter bytes
 *   GRADIENTS        bytes of the non-null parameter gradients after a fit (they live until the next fit's zeroGrad)
 *   OPTIMIZER_STATE  optimizer.stateBytes() (AdamW: 2 × parameters after the first step)
 *   BUFFERS          adaptation data buffered (peak: I batches of Σ_sites rows × (in + out) × dtype bytes)
 * </pre>
 */
public final class LocalUserDevice implements UserDevice {
    private final UserSpec spec;
    private final UserFit user;
    private final MemoryLedger ledger;
    private final Device device;
    private long fitNanos;

    /** Builds the user's auxiliaries for {@code sites} and its optimizer from {@code spec}. */
    public LocalUserDevice(UserSpec spec, List<Site> sites, DType dtype, MemoryLedger ledger) {
        this(spec, dtype, ledger, SiteShape.of(sites));
    }

    /** As above from the sites' shapes only (a device over the network never sees the base model). */
    public LocalUserDevice(UserSpec spec, DType dtype, MemoryLedger ledger, List<SiteShape> sites) {
        this(spec, dtype, ledger, sites, 1, 0);
    }

    /** As above, fitting each interval in {@code fitEpochs} passes of {@code fitBatch} rows (0 = all). */
    public LocalUserDevice(UserSpec spec, DType dtype, MemoryLedger ledger, List<SiteShape> sites, int fitEpochs,
                           int fitBatch) {
        this.spec = spec;
        LinkedHashMap<String, AuxiliaryModel> aux = spec.auxiliariesAt(sites, dtype);
        this.user = new UserFit(spec.id(), aux, spec.newOptimizer(UserFit.parameters(aux)),
                new UserFitConfig(spec.interval(), Double.POSITIVE_INFINITY).withEpochs(fitEpochs, fitBatch), null);
        this.ledger = ledger;
        this.device = Device.of("user-" + spec.id());
        long p = 0;
        for (Var v : UserFit.parameters(aux).values()) p += v.value().bytes();
        ledger.track(device, MemCategory.PARAMETERS, "auxiliaries", p);
    }

    @Override
    public int id() {
        return spec.id();
    }

    @Override
    public UserSpec spec() {
        return spec;
    }

    public Device device() {
        return device;
    }

    /** Nanoseconds spent buffering and fitting. */
    public long fitNanos() {
        return fitNanos;
    }

    @Override
    public Optional<FitStep> receive(List<AdaptationData> data) {
        long t0 = System.nanoTime();
        long incoming = data.stream().mapToLong(AdaptationData::bytes).sum();
        ledger.track(device, MemCategory.BUFFERS, "adaptation-data", user.bufferBytes() + incoming);
        Optional<FitStep> step = user.offer(data);
        ledger.track(device, MemCategory.BUFFERS, "adaptation-data", user.bufferBytes());
        if (step.isPresent()) {
            long g = 0;
            for (Var v : UserFit.parameters(user.auxiliaries()).values()) if (v.grad() != null) g += v.grad().bytes();
            ledger.track(device, MemCategory.GRADIENTS, "auxiliaries", g);
            ledger.track(device, MemCategory.OPTIMIZER_STATE, "optimizer", user.optimizer().stateBytes());
        }
        fitNanos += System.nanoTime() - t0;
        return step;
    }

    @Override
    public LinkedHashMap<String, Tensor> parameters() {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        UserFit.parameters(user.auxiliaries()).forEach((n, v) -> m.put(n, v.value().copy()));
        return m;
    }

    @Override
    public LinkedHashMap<String, Tensor> deltas() {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        user.auxiliaries().forEach((site, a) -> {
            if (!a.mergeable()) {
                throw new IllegalStateException("user " + spec.id() + ": " + a.kind() + " auxiliary at " + site
                        + " has no delta weight (use unmerged mode)");
            }
            m.put(site + "/delta_weight", a.deltaWeight());
            Tensor b = a.deltaBias();
            if (b != null) m.put(site + "/delta_bias", b);
        });
        return m;
    }

    @Override
    public LinkedHashMap<String, AuxiliaryModel> auxiliaries() {
        return user.auxiliaries();
    }

    /** The wrapped ColA user (optimizer, buffer). */
    public UserFit user() {
        return user;
    }
}
