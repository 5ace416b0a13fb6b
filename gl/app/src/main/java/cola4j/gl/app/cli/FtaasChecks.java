package cola4j.gl.app.cli;

import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.ftaas.FtaasModels;
import cola4j.gl.app.ftaas.SessionLimits;
import cola4j.gl.app.ftaas.TenantWorkload;
import cola4j.gl.app.ftaas.UserSpec;
import cola4j.gl.app.workload.Workloads;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.models.site.Site;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.DType;
import java.util.List;

/**
 * Checks of {@code cola ftaas} that depend on the model's architecture, made on a fresh (untrained) model right after
 * the options are read, before any pretraining: every low-rank user's rank against the widest adapted site
 * ({@link SessionLimits#rankProblem}, the same check as {@code cola train}'s and the server's at attach).
 */
final class FtaasChecks {
    private FtaasChecks() {}

    /** The adapted sites of a fresh {@code model}: the mlp's every layer, a transformer's {@code --sites}. */
    static List<Site> freshSites(String model, String preset, int seed, List<String> sites) {
        try {
            if (model.equals("mlp")) {
                TenantWorkload<?> w = FtaasModels.create(model, 0, seed, null);
                return w.adaptedSites(w.base());
            }
            return Workloads.create(model, preset, DType.FLOAT32, seed).model()
                    .sites(SiteSelector.suffixes(sites.toArray(String[]::new)));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--sites: " + e.getMessage());
        }
    }

    /** A usage error when a low-rank user's rank exceeds the widest of {@code adapted}. */
    static void requireRanksFit(List<UserSpec> specs, List<Site> adapted, String model) {
        int widest = SessionLimits.widest(adapted);
        for (UserSpec u : specs) {
            if (u.auxType() != AuxiliaryKind.LOWRANK) continue;
            String tooWide = SessionLimits.rankProblem(u.rank(), widest, model);
            if (tooWide != null) throw new UsageException(tooWide);
        }
    }
}
