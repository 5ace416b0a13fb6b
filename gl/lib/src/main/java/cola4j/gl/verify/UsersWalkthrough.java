package cola4j.gl.verify;

import cola4j.gl.AdaptationData;
import cola4j.gl.GradientLearning;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.cola.ColaServer;
import cola4j.gl.cola.RowRouting;
import cola4j.models.DecoderLM;
import cola4j.models.site.Site;
import cola4j.tensor.Tensor;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cola explain --users K}: one mixed batch of K users at one site, for a student.
 *
 * <pre>
 *   (1) rows b = 0..2K−1, owner(b) = b mod K;  L = Σ_u mean_{rows of u} ℓ       the mixed batch and its loss
 *   (2) out_b = h_b + g_{owner(b)}(x_b)                                          each row uses its owner's auxiliary
 *   (3) dL/dh split by rows: user u receives (x_u, dL/dh_u) of its rows only     [2·T, in], [2·T, out]
 *   (4) dL/dh_u (mixed) = dL_u/dh (u's rows alone, its own mean loss)            the other users do not leak in
 *   (5) each user's fit: ∇ℓ(w_u; D_u) = dL_u/dw_u, from its own rows only        Gradient Learning per user
 * </pre>
 */
public final class UsersWalkthrough {
    private final PrintStream out;

    public UsersWalkthrough(PrintStream out) {
        this.out = out;
    }

    /**
     * What the walk-through found.
     *
     * @param rowsPerUser user → the batch rows it owns
     * @param gradHRel    user → max relative difference of its dL/dh rows, mixed vs alone (equation 4)
     * @param fitRel      user → max relative difference of its GL gradient, mixed vs alone (equation 5)
     */
    public record Result(Map<Integer, int[]> rowsPerUser, Map<Integer, Double> gradHRel, Map<Integer, Double> fitRel) {}

    public Result run(Fixture fx, AuxiliaryKind type, String site, int users) {
        int b = 2 * users;
        int[] owner = new int[b];
        for (int i = 0; i < b; i++) owner[i] = i % users;
        RowRouting routing = new RowRouting(owner);
        List<int[]> groups = new ArrayList<>(routing.rowsByUser().values());
        DecoderLM model = fx.model();
        List<Site> sites = Fixture.site(model, site);
        Map<Integer, Map<String, AuxiliaryModel>> aux = new LinkedHashMap<>();
        for (int u = 0; u < users; u++) aux.put(u, fx.auxiliaries(sites, type, u, true));
        int[][][] batch = fx.batch(100, b);
        out.printf("ColA with %d users in one mixed batch at site %s of the tiny decoder LM, %s auxiliaries, %s%n",
                users, site, type, fx.dtype());
        out.printf("%n(1) One batch of %d rows, owner(b) = b mod %d; the loss is the sum of each user's mean loss.%n",
                b, users);
        routing.rowsByUser().forEach((u, r) -> out.printf("     user %d owns rows %s%n", u, Arrays.toString(r)));
        out.println("\n(2) Forward: row b's site output is h_b + g_owner(b)(x_b) (each user's auxiliary on its rows).");
        ColaServer server = new ColaServer(model, sites);
        ColaServer.Pass mixed = server.pass(MultiUserProposition.groupedLoss(model, batch[0], batch[1], groups),
                aux, routing, ColaMode.UNMERGED, null);
        out.printf("     mixed loss L = %.12g%n", mixed.loss());
        Walkthrough.show(out, "dL/dh of the whole batch", mixed.hiddenGradients().get(site));

        out.println("\n(3) The server splits (x, dL/dh) by rows: each user receives its own rows only.");
        Map<Integer, Double> gradRel = new LinkedHashMap<>(), fitRel = new LinkedHashMap<>();
        Map<Integer, AdaptationData> mine = new LinkedHashMap<>();
        for (int u = 0; u < users; u++) {
            AdaptationData d = mixed.dataByUser().get(u).get(0);
            mine.put(u, d);
            Walkthrough.show(out, "user " + u + ": dL/dh_" + u, d.gradH());
        }

        out.println("\n(4) Each user's dL/dh rows equal what that user alone would get (its rows, its own mean loss),");
        out.println("(5) so each user's fit, the GL gradient from its rows, equals the one it would get alone:");
        for (int u0 = 0; u0 < users; u0++) {
            final int u = u0;
            int[] rows = groups.get(u);
            int[][] in = new int[rows.length][], tg = new int[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                in[i] = batch[0][rows[i]];
                tg[i] = batch[1][rows[i]];
            }
            DecoderLM m = fx.model();
            List<Site> s = Fixture.site(m, site);
            Map<String, AuxiliaryModel> a = fx.auxiliaries(s, type, u, true);
            int[] all = new int[rows.length];
            for (int i = 0; i < all.length; i++) all[i] = i;
            ColaServer.Pass alone = new ColaServer(m, s).pass(MultiUserProposition.groupedLoss(m, in, tg,
                    List.of(all)), Map.of(u, a), RowRouting.single(u, rows.length), ColaMode.UNMERGED, null);
            AdaptationData d = alone.dataByUser().get(u).get(0);
            double gr = new PropositionResult.Diff().add(mine.get(u).gradH(), d.gradH()).result("", "", 0).maxRel();
            Map<String, Tensor> fitMixed = GradientLearning.gradient(aux.get(u).get(site), mine.get(u));
            Map<String, Tensor> fitAlone = GradientLearning.gradient(a.get(site), d);
            double fr = new PropositionResult.Diff().addAll(fitMixed, fitAlone).result("", "", 0).maxRel();
            gradRel.put(u, gr);
            fitRel.put(u, fr);
            fitMixed.forEach((n, t) -> Walkthrough.show(out, "user " + u + ": dℓ/d" + n, t));
            out.printf("     user %d: L_%d alone = %.12g; max relative difference (4) dL/dh %.3e, (5) fit %.3e%n", u, u,
                    alone.loss(), gr, fr);
        }
        out.println("\nNo user's gradient depends on another user's rows: the mixed batch trains each as if alone.");
        return new Result(routing.rowsByUser(), gradRel, fitRel);
    }
}
