package cola4j.gl.app.ftaas.grpc;

import cola4j.autograd.Var;
import cola4j.gl.NonFiniteException;
import cola4j.gl.UserFit;
import cola4j.gl.app.ftaas.Evaluation;
import cola4j.gl.app.ftaas.SiteShape;
import cola4j.gl.app.ftaas.TenantWorkload;
import cola4j.gl.app.ftaas.UserSpec;
import cola4j.gl.app.ftaas.WireFormat;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.models.site.Site;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;

/** The sizes a {@link SessionHost} bounds and estimates, and its evaluation of a user's final parameters. */
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

    /** Bytes of the base model's parameters. */
    static long baseBytes(TenantWorkload<?> workload) {
        long b = 0;
        for (Var v : workload.base().namedParameters().values()) b += v.value().bytes();
        return b;
    }

    /** Bytes of one user's adaptation data per step: rows × positions × Σ_sites (in + out) × dtype bytes. */
    static long adaptationBytesPerUser(TenantWorkload<?> workload, List<SiteShape> shapes, int maxRows) {
        long e = 0;
        for (SiteShape s : shapes) e += s.in() + s.out();
        return (long) maxRows * workload.positionsPerRow() * e * workload.base().dtype().bytes;
    }

    /**
     * The metric of the base with {@code spec}'s auxiliaries holding {@code params}: exactly the names, shapes and
     * dtype of those auxiliaries, every value finite (IllegalArgumentException otherwise).
     */
    static <B> double evaluate(TenantWorkload<B> workload, List<Site> sites, UserSpec spec,
                               LinkedHashMap<String, Tensor> params) {
        LinkedHashMap<String, AuxiliaryModel> aux = spec.auxiliaries(sites, workload.base().dtype());
        LinkedHashMap<String, Var> own = UserFit.parameters(aux);
        if (!own.keySet().equals(params.keySet())) throw new IllegalArgumentException("expected " + own.keySet());
        own.forEach((n, v) -> {
            Tensor t = params.get(n);
            if (!Arrays.equals(t.shape(), v.value().shape()) || t.dtype() != v.value().dtype()
                    || NonFiniteException.firstNonFinite(t) != null) {
                throw new IllegalArgumentException(n + " must be finite " + v.value().dtype() + " "
                        + Arrays.toString(v.value().shape()));
            }
            v.value().copyFrom(t);
        });
        return Evaluation.adapted(workload, workload.base(), spec.id(), aux);
    }
}
