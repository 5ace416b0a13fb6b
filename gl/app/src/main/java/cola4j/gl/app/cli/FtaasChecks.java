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

    /**
     * {@code --aux adalora|prompt|prefix} (an entry of the {@code ~} pattern): one usage line with the reason
     * these train in {@code cola train} only. AdaLoRA: GL gives a ColA user the task gradient of P Λ Q exactly
     * (docs/cola.md §11), but the rest of AdaLoRA (the orthogonality regulariser, the allocator's EMAs over
     * w·dL/dw, the masks on E) would have to run in the user's fit ({@code UserFit}), which has no hook for a
     * regulariser or a post-step allocator. Prompt/prefix: virtual tokens are inputs, not site outputs, and
     * the ColA server has no virtual-token sites (docs/cola.md §12).
     */
    static void refuseBaselines(String auxPattern) {
        if (auxPattern == null) return;
        for (String a : auxPattern.split("~", -1)) {
            if (a.equals("adalora")) {
                throw new UsageException("--aux adalora does not apply to cola ftaas: the user's fit has no AdaLoRA"
                        + " regulariser or rank allocator (GL alone is exact; docs/cola.md section 11); use cola train"
                        + " --method adalora");
            }
            if (a.equals("prompt") || a.equals("prefix")) {
                throw new UsageException("--aux " + a + " does not apply to cola ftaas: virtual tokens are inputs,"
                        + " not adapted site outputs, and the ColA server has no virtual-token sites (docs/cola.md"
                        + " section 12); use cola train --method " + a);
            }
        }
    }

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
