package cola4j.gl.verify;

import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.autograd.LinalgOps;
import cola4j.autograd.Losses;
import cola4j.autograd.Reduction;
import cola4j.autograd.Var;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.cola.ColaServer;
import cola4j.gl.cola.ColaTrainer;
import cola4j.gl.UserFit;
import cola4j.gl.UserFitConfig;
import cola4j.gl.cola.LossFunction;
import cola4j.gl.cola.RowRouting;
import cola4j.models.DecoderLM;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * <b>P7</b>: one mixed batch with rows of several users (each row's auxiliary output routed to its owner)
 * trains every user exactly as if it had been trained alone on its own rows.
 *
 * <p>The mixed batch's loss is the sum over users of each user's mean loss over its own rows,
 * L = Σ_u mean_{rows of u} ℓ, so that dL/dh on user u's rows is what u's own batch would give. (With one mean over
 * the whole batch each user's gradient would be scaled by its share of the rows.)
 */
public final class MultiUserProposition {
    private MultiUserProposition() {}

    static final int USERS = 3, ROWS_PER_USER = 2;

    /** Σ over groups of the mean next-token loss over each group's rows; rows[g] lists group g's rows. */
    static LossFunction groupedLoss(DecoderLM m, int[][] inputs, int[][] targets, List<int[]> groups) {
        return ctx -> {
            Var logits = m.forward(inputs, ctx);                                         // [B, T, V]
            int v = logits.shape()[2];
            Var total = null;
            for (int[] rows : groups) {
                Var lg = LinalgOps.gatherRows(logits, rows).reshape(-1, v);              // [b_g, T, V] -> [b_g·T, V]
                int[] tg = new int[rows.length * targets[0].length];
                for (int i = 0; i < rows.length; i++) {
                    System.arraycopy(targets[rows[i]], 0, tg, i * targets[0].length, targets[0].length);
                }
                Var l = Losses.crossEntropy(lg, tg, -100, Reduction.MEAN);
                total = total == null ? l : total.add(l);
            }
            return total;
        };
    }

    /** How the mixed batch's loss combines the rows of different users. */
    public enum MixedLoss {
        /** L = Σ_u mean_{rows of u} ℓ: every user gets exactly the gradient of its own batch (P7). */
        SUM_OF_USER_MEANS,
        /**
         * L = mean over all rows: user u's gradient is scaled by its share of the (non-ignored) targets (negative
         * control).
         */
        WHOLE_BATCH_MEAN
    }

    /** P7 with the loss it is stated for, {@link MixedLoss#SUM_OF_USER_MEANS}. */
    public static PropositionResult p7(Fixture fx, double tol) {
        return p7(fx, tol, MixedLoss.SUM_OF_USER_MEANS);
    }

    /**
     * The mixed batch trained with {@code mixedLoss} against each user alone (always its own mean loss): equal for
     * {@link MixedLoss#SUM_OF_USER_MEANS}; {@link MixedLoss#WHOLE_BATCH_MEAN} shows that the comparison can fail.
     */
    public static PropositionResult p7(Fixture fx, double tol, MixedLoss mixedLoss) {
        int steps = 10, b = USERS * ROWS_PER_USER;
        int[] owner = new int[b];
        for (int i = 0; i < b; i++) owner[i] = i % USERS;                 // interleaved rows: 0,1,2,0,1,2
        RowRouting routing = new RowRouting(owner);
        List<int[]> groups = new ArrayList<>(routing.rowsByUser().values());

        DecoderLM mixedModel = fx.model();
        List<UserFit> mixedUsers = new ArrayList<>();
        Map<Integer, LinkedHashMap<String, AuxiliaryModel>> mixedAux = new LinkedHashMap<>();
        for (int u = 0; u < USERS; u++) {
            LinkedHashMap<String, AuxiliaryModel> a = fx.auxiliaries(mixedModel.sites(Fixture.SITES),
                    u == 1 ? AuxiliaryKind.LINEAR : AuxiliaryKind.LOWRANK, u, u == 2);
            mixedAux.put(u, a);
            mixedUsers.add(new UserFit(u, a, Fixture.adamW().apply(UserFit.parameters(a)),
                    new UserFitConfig(1, Double.POSITIVE_INFINITY), null));
        }
        ColaTrainer mixed = new ColaTrainer(new ColaServer(mixedModel, mixedModel.sites(Fixture.SITES)), mixedUsers,
                ColaMode.UNMERGED);

        List<DecoderLM> aloneModels = new ArrayList<>();
        List<ColaTrainer> alone = new ArrayList<>();
        List<LinkedHashMap<String, AuxiliaryModel>> aloneAux = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            DecoderLM m = fx.model();
            LinkedHashMap<String, AuxiliaryModel> a = fx.auxiliaries(m.sites(Fixture.SITES),
                    u == 1 ? AuxiliaryKind.LINEAR : AuxiliaryKind.LOWRANK, u, u == 2);
            UserFit cu = new UserFit(u, a, Fixture.adamW().apply(UserFit.parameters(a)),
                    new UserFitConfig(1, Double.POSITIVE_INFINITY), null);
            aloneModels.add(m);
            aloneAux.add(a);
            alone.add(new ColaTrainer(new ColaServer(m, m.sites(Fixture.SITES)), List.of(cu), ColaMode.UNMERGED));
        }

        PropositionResult.Diff d = new PropositionResult.Diff();
        for (int k = 0; k < steps; k++) {
            int[][][] batch = fx.batch(100 + k, b);
            List<int[]> lossGroups = mixedLoss == MixedLoss.SUM_OF_USER_MEANS ? groups : List.of(allRows(b));
            mixed.step(groupedLoss(mixedModel, batch[0], batch[1], lossGroups), routing, null);
            for (int u = 0; u < USERS; u++) {
                int[] rows = groups.get(u);
                int[][] in = new int[rows.length][], tg = new int[rows.length][];
                for (int i = 0; i < rows.length; i++) {
                    in[i] = batch[0][rows[i]];
                    tg[i] = batch[1][rows[i]];
                }
                alone.get(u).step(groupedLoss(aloneModels.get(u), in, tg, List.of(allRows(rows.length))),
                        RowRouting.single(u, rows.length), null);
            }
            for (int u = 0; u < USERS; u++) {
                d.addAll(TrajectoryPropositions.state(mixedAux.get(u)), TrajectoryPropositions.state(aloneAux.get(u)));
            }
        }
        String loss = mixedLoss == MixedLoss.SUM_OF_USER_MEANS ? "" : " (mixed loss: one whole-batch mean)";
        return d.result("P7", USERS + " users (lowrank, linear, lowrank) in one interleaved batch vs each alone, "
                + steps + " steps AdamW" + loss, tol);
    }

    private static int[] allRows(int n) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        return all;
    }
}
