package cola4j.gl.app.ftaas.grpc;

import cola4j.gl.UserFit;
import cola4j.gl.app.ftaas.Evaluation;
import cola4j.gl.app.ftaas.SiteShape;
import cola4j.gl.app.ftaas.TenantWorkload;
import cola4j.gl.app.ftaas.UploadShapes;
import cola4j.gl.app.ftaas.UserSpec;
import cola4j.gl.app.ftaas.WireFormat;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.models.site.Site;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;

/** The message bound of a {@link SessionHost} and its evaluation of a user's final parameters. */
final class SessionSizes {
    private SessionSizes() {}

    /**
     * The largest message a user may send (the transport refuses larger ones before reading them): one batch of
     * this session (measured by encoding user 0's) plus the largest upload the spec bounds allow at these sites
     * (full-rank linear ΔW with bias, low-rank of rank {@value FtaasService#MAX_RANK}, or an MLP of width
     * {@value FtaasService#MAX_MLP_HIDDEN}), plus 64 KiB for headers.
     */
    static <B> int maxMessageBytes(TenantWorkload<B> workload, List<SiteShape> shapes, int maxRows) {
        long batch = WireFormat.encode("batch", workload.encode(workload.sample(0, maxRows, new Rng(0)))).length;
        long params = 0;
        for (SiteShape s : shapes) {
            long in = s.in(), out = s.out(), r = FtaasService.MAX_RANK, h = FtaasService.MAX_MLP_HIDDEN;
            params += Math.max(in * out + out, Math.max(r * (in + out), in * h + h + h * out + out));
        }
        long total = batch + params * workload.base().dtype().bytes + (64 << 10);
        if (total > Integer.MAX_VALUE) throw new IllegalArgumentException("messages of this session exceed 2 GiB");
        return (int) total;
    }

    /**
     * The metric of the base with {@code spec}'s auxiliaries holding {@code params}, checked as every upload is
     * ({@link UploadShapes#require}: names, shapes, dtype, finite values; IllegalArgumentException otherwise).
     */
    static <B> double evaluate(TenantWorkload<B> workload, List<Site> sites, UserSpec spec,
                               LinkedHashMap<String, Tensor> params) {
        LinkedHashMap<String, AuxiliaryModel> aux = spec.auxiliaries(sites, workload.base().dtype());
        UploadShapes.require(spec.id(), UploadShapes.parameters(aux), params, workload.base().dtype());
        UserFit.parameters(aux).forEach((n, v) -> v.value().copyFrom(params.get(n)));
        return Evaluation.adapted(workload, workload.base(), spec.id(), aux);
    }
}
