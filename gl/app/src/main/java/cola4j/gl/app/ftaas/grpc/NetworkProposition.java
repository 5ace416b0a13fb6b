package cola4j.gl.app.ftaas.grpc;

import cola4j.gl.app.ftaas.ColaSession;
import cola4j.gl.app.ftaas.DigitsPretraining;
import cola4j.gl.app.ftaas.DigitsTenants;
import cola4j.gl.app.ftaas.FtaasModels;
import cola4j.gl.app.ftaas.LocalUserDevice;
import cola4j.gl.app.ftaas.SessionConfig;
import cola4j.gl.app.ftaas.TransferDtype;
import cola4j.gl.app.ftaas.UserPattern;
import cola4j.gl.app.ftaas.UserSpec;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.optim.OptimizerKind;
import cola4j.gl.verify.PropositionResult;
import cola4j.models.data.DigitShift;
import cola4j.models.data.DigitsFamily;
import cola4j.models.data.VectorBatch;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * P9: the same session over gRPC on loopback sockets equals the in-process session bit for bit. Three users with
 * mixed auxiliaries and intervals on a digits MLP (float64 by default); after every step, every user's parameters from
 * {@link LoopbackSession} (separate channels, tokens, the user drawing its own rows) are compared with those of
 * {@link ColaSession} (one process, in-process transport). Tolerance 0: the wire is bit-exact (float64 payloads)
 * and both run the same server and user code in the same order.
 */
public final class NetworkProposition {
    private NetworkProposition() {}

    /** P9 in unmerged mode (lowrank, linear, mlp) and in merged mode (lowrank, linear, lowrank). */
    public static List<PropositionResult> p9(DType dtype, long seed) throws Exception {
        DigitsFamily family = new DigitsFamily();
        DigitsTenants w = new DigitsTenants(DigitsPretraining.pretrain(family, FtaasModels.MLP_HIDDEN, dtype, 20,
                2e-3, seed, null), family, DigitShift.KINDS);
        List<PropositionResult> out = new ArrayList<>();
        out.add(compare(w, ColaMode.UNMERGED, List.of(AuxiliaryKind.LOWRANK, AuxiliaryKind.LINEAR, AuxiliaryKind.MLP),
                seed));
        out.add(compare(w, ColaMode.MERGED, List.of(AuxiliaryKind.LOWRANK, AuxiliaryKind.LINEAR, AuxiliaryKind.LOWRANK),
                seed));
        return out;
    }

    /**
     * P9's negative control: the gRPC side sends adaptation data as bfloat16 while the in-process side sends it
     * natively (unmerged mode), so the parameters must differ from the first update on and the bit-for-bit check fail.
     */
    public static PropositionResult p9BfloatWireMutant(DType dtype, long seed) throws Exception {
        DigitsFamily family = new DigitsFamily();
        DigitsTenants w = new DigitsTenants(DigitsPretraining.pretrain(family, FtaasModels.MLP_HIDDEN, dtype, 20,
                2e-3, seed, null), family, DigitShift.KINDS);
        PropositionResult r = compare(w, ColaMode.UNMERGED,
                List.of(AuxiliaryKind.LOWRANK, AuxiliaryKind.LINEAR, AuxiliaryKind.MLP), seed, TransferDtype.BF16);
        return new PropositionResult(r.id(), r.setting().replace("gRPC loopback", "gRPC loopback (bfloat16 wire)"),
                r.maxAbs(), r.maxRel(), r.tol(), r.pass());
    }

    private static PropositionResult compare(DigitsTenants w, ColaMode mode, List<AuxiliaryKind> aux, long seed)
            throws Exception {
        return compare(w, mode, aux, seed, TransferDtype.NATIVE);
    }

    private static PropositionResult compare(DigitsTenants w, ColaMode mode, List<AuxiliaryKind> aux, long seed,
                                             TransferDtype netTransfer) throws Exception {
        int steps = 4;
        SessionConfig cfg = new SessionConfig(steps, 8, mode, TransferDtype.NATIVE, steps, seed, 2e-3);
        List<UserSpec> specs = new UserPattern(aux, List.of(2), List.of(1, 2), List.of(OptimizerKind.ADAMW),
                List.of(0.02)).cycle(aux.size(), 8, 100 * seed + 1);
        Map<Integer, Map<Integer, LinkedHashMap<String, Tensor>>> local = new TreeMap<>(), net = new TreeMap<>();
        ColaSession<VectorBatch> session = new ColaSession<>(w, specs, cfg, "p9");
        session.run(step -> session.devices().forEach((u, d) -> local.computeIfAbsent(u, k -> new TreeMap<>())
                .put(step - 1, d.parameters())));
        Map<Integer, RemoteUser.StepObserver> observers = new TreeMap<>();
        for (UserSpec s : specs) {
            observers.put(s.id(), (step, d) -> {
                synchronized (net) {
                    net.computeIfAbsent(s.id(), k -> new TreeMap<>()).put(step, d.parameters());
                }
            });
        }
        LoopbackSession.Result r = LoopbackSession.run(w, info -> w.data(), specs, cfg.withTransfer(netTransfer), "mlp",
                DigitShift.KINDS, 30_000, observers);
        if (!r.failures().isEmpty()) throw new IllegalStateException("P9: users failed over gRPC: " + r.failures());
        PropositionResult.Diff diff = new PropositionResult.Diff();
        int compared = 0;
        for (UserSpec s : specs) {
            for (int step = 0; step < steps; step++) {
                LinkedHashMap<String, Tensor> a = net.getOrDefault(s.id(), Map.of()).get(step);
                LinkedHashMap<String, Tensor> b = local.getOrDefault(s.id(), Map.of()).get(step);
                if (a == null || b == null) {
                    throw new IllegalStateException("P9: user " + s.id() + " has no parameters at step " + step);
                }
                diff.addAll(a, b);
                compared++;
            }
        }
        String setting = "gRPC loopback vs in-process, " + mode.cliName() + ", 3 users (" + aux.get(0) + ", "
                + aux.get(1) + ", " + aux.get(2) + "; I 1~2), " + compared + " parameter snapshots, bit for bit";
        return diff.result("P9", setting, 0.0);
    }
}
