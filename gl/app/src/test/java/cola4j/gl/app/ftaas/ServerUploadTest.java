package cola4j.gl.app.ftaas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cola4j.autograd.Var;
import cola4j.gl.AdaptationData;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.UserFit;
import cola4j.models.data.VectorBatch;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import cola4j.tensor.memory.MemCategory;
import cola4j.tensor.memory.MemoryLedger;
import cola4j.tensor.memory.MemorySnapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link LocalServer#upload} rejects what it must — non-finite values, unknown or missing names, wrong shapes, an
 * unregistered user — with a clear error, and a rejected upload changes nothing: the replica (unmerged) or the
 * pending ΔW (merged modes) stays the last accepted one, bit for bit, and so does the ledger; the next step's
 * adaptation data equal those of a server that only ever saw the accepted upload. In merged modes a step with a queued
 * batch but no ΔW is refused before anything is dequeued.
 */
class ServerUploadTest {
    private static final DigitsTenants W = FtaasFixtures.digits(DType.FLOAT64);
    private static final List<Site> SITES = W.adaptedSites(W.base());
    /** user 0 lowrank (uploads ΔW only), user 1 linear (ΔW and Δb). */
    private static final List<UserSpec> USERS = FtaasFixtures.users(2, "lowrank~linear", 1);

    /**
     * A valid upload of user u: its parameters moved off their initialization (unmerged) or their deltas
     * (merged modes).
     */
    private static LinkedHashMap<String, Tensor> valid(UserSpec u, ColaMode mode) {
        LinkedHashMap<String, cola4j.gl.auxiliary.AuxiliaryModel> aux = u.auxiliaries(SITES, DType.FLOAT64);
        Rng rng = new Rng(40 + u.id());
        for (Var v : UserFit.parameters(aux).values()) v.setValue(rng.normal(DType.FLOAT64, 0, 0.1, v.shape()));
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        if (mode == ColaMode.UNMERGED) {
            UserFit.parameters(aux).forEach((n, v) -> m.put(n, v.value().copy()));
        } else {
            aux.forEach((site, a) -> {
                m.put(site + "/delta_weight", a.deltaWeight());
                if (a.deltaBias() != null) m.put(site + "/delta_bias", a.deltaBias());
            });
        }
        return m;
    }

    private static LinkedHashMap<String, Tensor> with(LinkedHashMap<String, Tensor> m,
            Consumer<LinkedHashMap<String, Tensor>> change) {
        LinkedHashMap<String, Tensor> c = new LinkedHashMap<>();
        m.forEach((n, t) -> c.put(n, t.copy()));
        change.accept(c);
        return c;
    }

    private static LocalServer<VectorBatch> server(ColaMode mode, MemoryLedger ledger) {
        LocalServer<VectorBatch> s = new LocalServer<>(W, mode, ledger);
        USERS.forEach(s::register);
        return s;
    }

    /** One step over one batch per user (same data every call). */
    private static Map<Integer, List<AdaptationData>> step(LocalServer<VectorBatch> s, ColaMode mode,
            Map<Integer, LinkedHashMap<String, Tensor>> uploads) {
        for (UserSpec u : USERS) {
            s.submit(u.id(), W.sample(u.id(), 3, new Rng(70 + u.id())));
            if (mode != ColaMode.UNMERGED) s.upload(u.id(), uploads.get(u.id()));
        }
        return s.step();
    }

    @ParameterizedTest
    @EnumSource(ColaMode.class)
    void rejectedUploadsChangeNothing(ColaMode mode) {
        MemoryLedger ledger = new MemoryLedger();
        LocalServer<VectorBatch> s = server(mode, ledger);
        Map<Integer, LinkedHashMap<String, Tensor>> good = Map.of(0, valid(USERS.get(0), mode), 1,
                valid(USERS.get(1), mode));
        for (UserSpec u : USERS) s.upload(u.id(), good.get(u.id()));
        MemorySnapshot before = ledger.snapshot();
        Map<Integer, Map<String, double[]>> replicas = replicaValues(s);
        String first = good.get(1).keySet().iterator().next();
        String site = SITES.get(0).name(), suffix = mode == ColaMode.UNMERGED ? "lora_A.weight" : "delta_weight";

        assertRejected(s, 1, with(good.get(1), m -> m.put(first, nan(m.get(first)))), "user 1", "'" + first + "'",
                "non-finite value NaN");
        assertRejected(s, 1, with(good.get(1), m -> m.put(first, inf(m.get(first)))), "user 1",
                "non-finite value Infinity");
        assertRejected(s, 1, with(good.get(1), m -> m.put(site + "/gamma", Tensor.zeros(DType.FLOAT64, 2))),
                "user 1 uploaded", site + "/gamma", "expected");
        assertRejected(s, 1, with(good.get(1), m -> m.remove(first)), "user 1 uploaded", "expected", first);
        assertRejected(s, 1, with(good.get(1), m -> m.put(first, Tensor.zeros(DType.FLOAT64, 3, 3))),
                "user 1 uploaded " + first + " [3, 3]", "expected");
        String lowrankName = site + "/" + suffix;
        assertRejected(s, 0, with(good.get(0), m -> m.put(lowrankName, Tensor.zeros(DType.FLOAT64, 1, 1))),
                "user 0 uploaded " + lowrankName + " [1, 1]");
        if (mode != ColaMode.UNMERGED) {
            // a low-rank user's ΔW comes without Δb; a Δb from it is as unexpected as any unknown name
            assertRejected(s, 0, with(good.get(0),
                            m -> m.put(site + "/delta_bias", Tensor.zeros(DType.FLOAT64, SITES.get(0).outFeatures()))),
                    "user 0 uploaded", site + "/delta_bias");
        }
        assertThatThrownBy(() -> s.upload(9, good.get(0))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unregistered user 9");

        assertThat(ledger.snapshot()).as("ledger unchanged").usingRecursiveComparison().isEqualTo(before);
        assertThat(replicaValues(s)).as("replicas unchanged").usingRecursiveComparison().isEqualTo(replicas);
        assertThat(s.users()).containsExactly(0, 1);
        // the next step computes exactly what a server that only saw the accepted uploads computes
        LocalServer<VectorBatch> clean = server(mode, new MemoryLedger());
        if (mode == ColaMode.UNMERGED) for (UserSpec u : USERS) clean.upload(u.id(), good.get(u.id()));
        Map<Integer, List<AdaptationData>> got = step(s, mode, good), want = step(clean, mode, good);
        assertThat(got.keySet()).containsExactly(0, 1);
        for (int u : want.keySet()) {
            for (int i = 0; i < want.get(u).size(); i++) {
                assertThat(got.get(u).get(i).x().toDoubleArray())
                        .containsExactly(want.get(u).get(i).x().toDoubleArray());
                assertThat(got.get(u).get(i).gradH().toDoubleArray())
                        .containsExactly(want.get(u).get(i).gradH().toDoubleArray());
            }
        }
    }

    /** Merged modes: the pending ΔW survives a rejected upload (it is the one merged by the next step). */
    @ParameterizedTest
    @EnumSource(value = ColaMode.class, names = {"MERGED", "MERGED_AVERAGE"})
    void pendingDeltaSurvivesARejectedUpload(ColaMode mode) {
        MemoryLedger ledger = new MemoryLedger();
        LocalServer<VectorBatch> s = server(mode, ledger);
        LinkedHashMap<String, Tensor> good = valid(USERS.get(1), mode);
        s.upload(1, good);
        long held = ledger.bytes(LedgerView.SERVER, MemCategory.BUFFERS, "delta-1");
        assertThat(held).isEqualTo(AnalyticBytes.deltaBytes(USERS.get(1), SITES, DType.FLOAT64));
        String first = good.keySet().iterator().next();
        assertRejected(s, 1, with(good, m -> m.put(first, nan(m.get(first)))), "non-finite");
        assertThat(ledger.bytes(LedgerView.SERVER, MemCategory.BUFFERS, "delta-1")).isEqualTo(held);
    }

    /**
     * Merged modes: a user with queued data and no ΔW stops the step before anything is dequeued; the step then runs.
     */
    @ParameterizedTest
    @EnumSource(value = ColaMode.class, names = {"MERGED", "MERGED_AVERAGE"})
    void stepWithoutADeltaIsRefusedBeforeDequeuing(ColaMode mode) {
        LocalServer<VectorBatch> s = server(mode, new MemoryLedger());
        s.submit(0, W.sample(0, 3, new Rng(1)));
        s.submit(1, W.sample(1, 3, new Rng(2)));
        s.upload(0, valid(USERS.get(0), mode));
        assertThatThrownBy(s::step).isInstanceOf(IllegalStateException.class).hasMessageContaining("users [1]")
                .hasMessageContaining("no uploaded delta").hasMessageContaining("nothing was processed");
        s.upload(1, valid(USERS.get(1), mode));
        assertThat(s.step()).containsOnlyKeys(0, 1);                        // both batches were still queued
        assertThat(s.step()).isEmpty();
    }

    private static void assertRejected(LocalServer<VectorBatch> s, int user, LinkedHashMap<String, Tensor> upload,
            String... messageParts) {
        var t = assertThatThrownBy(() -> s.upload(user, upload)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("server:");
        for (String p : messageParts) t.hasMessageContaining(p);
    }

    private static Tensor nan(Tensor t) {
        Tensor c = t.copy();
        c.setFlat(c.numel() - 1, Double.NaN);
        return c;
    }

    private static Tensor inf(Tensor t) {
        Tensor c = t.copy();
        c.setFlat(0, Double.POSITIVE_INFINITY);
        return c;
    }

    private static Map<Integer, Map<String, double[]>> replicaValues(LocalServer<VectorBatch> s) {
        Map<Integer, Map<String, double[]>> m = new LinkedHashMap<>();
        s.replicas().forEach((u, aux) -> {
            Map<String, double[]> p = new LinkedHashMap<>();
            UserFit.parameters(aux).forEach((n, v) -> p.put(n, v.value().toDoubleArray()));
            m.put(u, p);
        });
        return m;
    }
}
