package cola4j.gl.app.ftaas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import cola4j.gl.AdaptationData;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.UserFit;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.app.workload.Batch;
import cola4j.gl.app.workload.PretrainCache;
import cola4j.gl.app.workload.PretrainConfig;
import cola4j.gl.app.workload.Pretrainer;
import cola4j.gl.app.workload.Workload;
import cola4j.gl.app.workload.Workloads;
import cola4j.models.site.Site;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import cola4j.tensor.memory.Device;
import cola4j.tensor.memory.MemCategory;
import cola4j.tensor.memory.MemoryLedger;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FTaaS on the decoder-LM tiny preset (C = 16, 2 layers, T = 11, sites attn.query and attn.value of both blocks):
 * the ledger against {@link AnalyticBytes} (within 1%) for multi-tenant LoRA, ColA unmerged and merged with K = 1 and
 * 4; the transport payload against rows × T × Σ(in + out) × 4 exactly; merged-mode server memory flat in K; and
 * the routing of a mixed multi-user batch (each user's adaptation data equals that of its batch served alone, float64).
 */
class TransformerTenantsTest {
    private static final List<String> SITE_NAMES = List.of("attn.query", "attn.value");
    private static final WorkloadTenants W = decoderTiny(DType.FLOAT32);
    private static final List<Site> SITES = W.adaptedSites(W.base());
    // examples per user per step (FtaasFixtures.config)
    private static final int ROWS = 4;

    /** Decoder tiny, pretrained for 4 steps of the tiny preset (no cache), adapted at attn.query/attn.value. */
    static WorkloadTenants decoderTiny(DType dtype) {
        Workload w = Workloads.create("decoder", "tiny", dtype, 5);
        new Pretrainer(new PretrainCache(Path.of("unused")), System.err, false)
                .train(w, PretrainConfig.defaults("decoder", "tiny").withSteps(4), 5);
        return new WorkloadTenants(w, () -> Workloads.create("decoder", "tiny", dtype, 5),
                SiteSelector.suffixes(SITE_NAMES.toArray(String[]::new)), 16);
    }

    /** Down payload of one user's step: rows · T · Σ_s (in + out) · 4 bytes. */
    private static long perUserDown() {
        long perRow = 0;
        for (Site s : SITES) perRow += s.inFeatures() + s.outFeatures();
        return (long) ROWS * W.positionsPerRow() * perRow * 4;
    }

    @Test
    void tenantsAreTheFamilysDownstreamVariants() {
        assertThat(SITES).extracting(Site::name).containsExactly("blocks.0.attn.query", "blocks.0.attn.value",
                "blocks.1.attn.query", "blocks.1.attn.value");
        assertThat(W.positionsPerRow()).isEqualTo(2 * Workloads.TINY_LENGTHS.max() + 3);
        assertThat(List.of(W.taskName(0), W.taskName(1), W.taskName(2), W.taskName(3)))
                .containsExactly("shift", "cipher", "rotate", "shift");
        assertThat(W.metricName()).isEqualTo("exact_match");
        Batch b = W.sample(1, 3, new Rng(1));
        assertThat(W.rows(W.concat(List.of(b, W.sample(2, 2, new Rng(2)))))).isEqualTo(5);
        assertThatThrownBy(() -> new WorkloadTenants(W.workload(), null, SiteSelector.suffixes("attn.nope"), 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attn.nope");
    }

    private static void assertServer(MemoryLedger ledger, Map<MemCategory, Long> expected) {
        for (Map.Entry<MemCategory, Long> e : expected.entrySet()) {
            long got = ledger.peak(LedgerView.SERVER, e.getKey());
            assertThat((double) got).as("server " + e.getKey()).isCloseTo(e.getValue(), within(0.01 * e.getValue()));
        }
        assertThat(ledger.peak(LedgerView.SERVER, MemCategory.ACTIVATIONS)).as("server activations").isPositive();
    }

    /**
     * Each user's device: parameters, gradients, optimizer state exactly as analytic; buffer peak = I batches of
     * B·T token rows.
     */
    private static void assertUsers(MemoryLedger ledger, List<UserSpec> users, int interval) {
        for (UserSpec u : users) {
            Device d = Device.of("user-" + u.id());
            AnalyticBytes.user(u, SITES, DType.FLOAT32)
                    .forEach((c, v) -> assertThat(ledger.peak(d, c)).as(d + " " + c).isEqualTo(v));
            assertThat(ledger.peak(d, MemCategory.BUFFERS)).as(d + " buffer peak").isEqualTo(interval * perUserDown());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void multiTenantLoraLedger(int k) {
        List<UserSpec> users = FtaasFixtures.users(k, "lowrank", 1);
        LoraSession<?> s = new LoraSession<>(W, users,
                FtaasFixtures.config(2, ColaMode.UNMERGED, TransferDtype.NATIVE));
        MethodResult r = s.run(null);
        assertServer(s.ledger(), AnalyticBytes.server(ServingMethod.LORA, W.base(), users, SITES));
        assertThat(r.metrics()).hasSize(k);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void colaUnmergedLedgerAndTransport(int k) {
        int steps = 4;
        List<UserSpec> users = FtaasFixtures.users(k, "lowrank~linear~mlp", 2);
        ColaSession<?> s = new ColaSession<>(W, users,
                FtaasFixtures.config(steps, ColaMode.UNMERGED, TransferDtype.NATIVE), "cola");
        MethodResult r = s.run(null);
        assertThat(r.errors()).isEmpty();
        assertServer(s.ledger(), AnalyticBytes.server(ServingMethod.COLA_UNMERGED, W.base(), users, SITES));
        assertUsers(s.ledger(), users, 2);
        assertThat(r.downPayloadPerStep()).isEqualTo((double) k * perUserDown()).isEqualTo(r.downBytesAnalytic());
        long up = 0;
        for (UserSpec u : users) {
            up += AnalyticBytes.auxParameters(u, SITES) * 4 * (steps / 2); // parameters after each of the 2 fits
        }
        assertThat(r.upPayloadPerStep()).isEqualTo((double) up / steps).isEqualTo(r.upBytesAnalytic());
        // mixed batch: the server's outbox of a step holds all K users' adaptation data
        assertThat(s.ledger().peak(LedgerView.SERVER, MemCategory.BUFFERS)).isEqualTo(k * perUserDown());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void colaMergedLedgerAndTransport(int k) {
        int steps = 3;
        List<UserSpec> users = FtaasFixtures.users(k, "lowrank~linear", 1);
        ColaSession<?> s = new ColaSession<>(W, users,
                FtaasFixtures.config(steps, ColaMode.MERGED, TransferDtype.NATIVE), "cola");
        MethodResult r = s.run(null);
        assertThat(r.errors()).isEmpty();
        assertServer(s.ledger(), AnalyticBytes.server(ServingMethod.COLA_MERGED, W.base(), users, SITES));
        assertThat(s.ledger().peak(LedgerView.SERVER, MemCategory.PARAMETERS)).isEqualTo(W.base().parameterCount() * 4);
        assertUsers(s.ledger(), users, 1);
        assertThat(r.downPayloadPerStep()).isEqualTo((double) k * perUserDown()).isEqualTo(r.downBytesAnalytic());
        long up = 0;
        for (UserSpec u : users) {
            for (Site site : SITES) {
                up += 4L * site.inFeatures() * site.outFeatures()
                        + (u.auxType() == AuxiliaryKind.LINEAR ? 4L * site.outFeatures() : 0);
            }
        }
        assertThat(r.upPayloadPerStep()).isEqualTo((double) up).isEqualTo(r.upBytesAnalytic());
    }

    /**
     * Merged: the server holds one user's ΔW at a time, so its buffers peak at
     * D + max(backup, A₁) — D = Σ_s in·out·4 (one lowrank user's deltas), backup = Σ_s (in·out + out)·4 (the
     * copy of the adapted weights a merged pass restores), A₁ = one user's adaptation data — and the server's peak
     * total is the same for K = 1 and K = 4.
     */
    @Test
    void mergedServerPeakIsIndependentOfK() {
        long[] totals = new long[2];
        int i = 0;
        for (int k : new int[] {1, 4}) {
            List<UserSpec> users = FtaasFixtures.users(k, "lowrank", 1);
            ColaSession<?> s = new ColaSession<>(W, users,
                    FtaasFixtures.config(2, ColaMode.MERGED, TransferDtype.NATIVE), "cola");
            s.run(null);
            long d = 0, backup = 0;
            for (Site site : SITES) {
                d += 4L * site.inFeatures() * site.outFeatures();
                backup += 4L * (site.inFeatures() * site.outFeatures()
                        + (site.bias() == null ? 0 : site.outFeatures()));
            }
            assertThat(s.ledger().peak(LedgerView.SERVER, MemCategory.BUFFERS)).as("K = " + k)
                    .isEqualTo(d + Math.max(backup, perUserDown()));
            totals[i++] = s.ledger().peak(LedgerView.SERVER);
        }
        assertThat(totals[1]).as("server peak total, K = 4 vs K = 1").isEqualTo(totals[0]);
    }

    /**
     * Merged-average needs every user's ΔW for the average, so the server holds all K: its buffers peak at
     * K·D + max(K·A₁, backup) — from the second step on, the K uploads arrive while the previous step's outbox (K
     * users' adaptation data) is still held; during the pass the deltas sit beside the weight backup.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void mergedAverageServerHoldsAllDeltasOfTheStep(int k) {
        List<UserSpec> users = FtaasFixtures.users(k, "lowrank", 1);
        ColaSession<?> s = new ColaSession<>(W, users,
                FtaasFixtures.config(2, ColaMode.MERGED_AVERAGE, TransferDtype.NATIVE), "cola");
        MethodResult r = s.run(null);
        assertThat(r.errors()).isEmpty();
        long d = 0, backup = 0;
        for (Site site : SITES) {
            d += 4L * site.inFeatures() * site.outFeatures();
            backup += 4L * (site.inFeatures() * site.outFeatures() + (site.bias() == null ? 0 : site.outFeatures()));
        }
        assertThat(s.ledger().peak(LedgerView.SERVER, MemCategory.BUFFERS))
                .isEqualTo(k * d + Math.max(k * perUserDown(), backup));
        assertThat(r.downPayloadPerStep()).isEqualTo((double) k * perUserDown()).isEqualTo(r.downBytesAnalytic());
    }

    /**
     * An unmerged mixed batch of 3 users (adapters with random, non-zero weights): each user's adaptation data — x
     * and dL/dh at every site, B·T rows — equals that of its own batch served alone (float64, to 1e-12 relative),
     * and differs from what another user's adapters would produce, so the rows really are routed to their owners.
     */
    @Test
    void mixedBatchRowsAreRoutedToTheirOwners() {
        WorkloadTenants w = decoderTiny(DType.FLOAT64);
        List<UserSpec> users = UserSpec.cycle(3, "lowrank~linear~mlp", 2, 5, 1, "adamw", 0.01, 3);
        Map<Integer, LinkedHashMap<String, Tensor>> params = new LinkedHashMap<>();
        Rng rng = new Rng(42);
        for (UserSpec u : users) params.put(u.id(), randomParameters(u, w, rng));
        Map<Integer, Batch> batches = new LinkedHashMap<>();
        for (UserSpec u : users) batches.put(u.id(), w.sample(u.id(), 2 + u.id(), new Rng(100 + u.id())));

        LocalServer<Batch> mixed = new LocalServer<>(w, ColaMode.UNMERGED, new MemoryLedger());
        for (UserSpec u : users) {
            mixed.register(u);
            mixed.upload(u.id(), params.get(u.id()));
            mixed.submit(u.id(), batches.get(u.id()));
        }
        Map<Integer, List<AdaptationData>> together = mixed.step();
        assertThat(together.keySet()).containsExactly(0, 1, 2);

        for (UserSpec u : users) {
            List<AdaptationData> alone = serveAlone(w, u, params.get(u.id()), batches.get(u.id()));
            List<AdaptationData> got = together.get(u.id());
            assertThat(got).hasSize(SITES.size());
            for (int s = 0; s < got.size(); s++) {
                AdaptationData a = got.get(s), b = alone.get(s);
                assertThat(a.site()).isEqualTo(b.site());
                assertThat(a.x().shape())
                        .containsExactly(batches.get(u.id()).rows() * w.positionsPerRow(), Workloads.TINY_WIDTH);
                assertThat(a.x().maxAbsDiff(b.x())).as("user " + u.id() + " x at " + a.site())
                        .isLessThanOrEqualTo(1e-12 * b.x().maxAbs());
                assertThat(a.gradH().maxAbsDiff(b.gradH())).as("user " + u.id() + " dL/dh at " + a.site())
                        .isLessThanOrEqualTo(1e-12 * b.gradH().maxAbs());
            }
        }
        // the adapters matter: user 0's batch served with other weights of its own architecture gives other dL/dh
        LinkedHashMap<String, Tensor> other = randomParameters(users.get(0), w, new Rng(7));
        List<AdaptationData> wrong = serveAlone(w, users.get(0), other, batches.get(0));
        AdaptationData last = together.get(0).get(0), lastWrong = wrong.get(0);
        assertThat(last.gradH().maxAbsDiff(lastWrong.gradH())).isGreaterThan(1e-6 * last.gradH().maxAbs());
    }

    /** One user's adaptation data from a server that serves it alone. */
    private static List<AdaptationData> serveAlone(WorkloadTenants w, UserSpec u, LinkedHashMap<String, Tensor> params,
            Batch batch) {
        LocalServer<Batch> server = new LocalServer<>(w, ColaMode.UNMERGED, new MemoryLedger());
        server.register(u);
        server.upload(u.id(), params);
        server.submit(u.id(), batch);
        return server.step().get(u.id());
    }

    /** The user's auxiliary parameters replaced by N(0, 0.3²) draws (a fresh LoRA has B = 0 and would add nothing). */
    private static LinkedHashMap<String, Tensor> randomParameters(UserSpec u, WorkloadTenants w, Rng rng) {
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        UserFit.parameters(u.auxiliaries(w.adaptedSites(w.base()), w.base().dtype())).forEach((n, v) -> {
            double[] d = new double[v.value().numel()];
            for (int i = 0; i < d.length; i++) d[i] = 0.3 * rng.nextGaussian();
            m.put(n, Tensor.of(d, v.value().shape()).to(w.base().dtype()));
        });
        return m;
    }
}
