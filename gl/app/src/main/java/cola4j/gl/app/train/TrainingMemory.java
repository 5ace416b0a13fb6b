package cola4j.gl.app.train;

import cola4j.autograd.Var;
import cola4j.gl.auxiliary.LoraVariant;
import cola4j.gl.app.ftaas.AnalyticBytes;
import cola4j.gl.app.workload.Workload;
import cola4j.gl.optim.OptimizerKind;
import cola4j.models.Model;
import cola4j.models.data.ClassificationFamily;
import cola4j.models.data.LmFamily;
import cola4j.models.data.Seq2SeqFamily;
import cola4j.models.data.TaskFamily;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The memory a training run needs, from shapes alone, estimated before pretraining and checked against the heap by
 * {@code cola train}, {@code cola copra} and {@code cola pretrain} (the same parts as the ftaas session estimate, with
 * the same formulas of {@link AnalyticBytes}). With e the element bytes, P the base's parameter count, N the trained
 * parameters in T tensors, B the batch, L the positions per example, S all sites of the model:
 * <pre>
 *   E = P·e                                   base parameters
 *     + N·e·[adapters]  + N·e  + O(N, T)      trained parameters (full fine-tuning: the base's, not counted twice),
 *                                             their gradients, optimizer state ({@link AnalyticBytes#optimizerState})
 *     + A(S, B, L)                            activations of one batch ({@link AnalyticBytes#activationEstimate}, 4·X)
 *     + I·X(adapted sites, B, L)              ColA: the adaptation data of one interval of I batches
 *     + Σ in·out·e [dora]                      --lora-variant dora: each adapter's copy of its site's W0
 * </pre>
 * A rough estimate of the training tensors alone, meant to refuse runs that cannot fit (batch 4096 of a transformer
 * needs gigabytes of activations), not a measurement and not a bound: the JVM, the data and evaluation sets come on
 * top (measured 2026-12-02: the small decoder, full, batch 32 is estimated at 20.2 MiB and ran out of memory with a
 * 48 MiB heap, ran with 64 MiB). A run that passes may still end in the out-of-memory line.
 */
public final class TrainingMemory {
    private TrainingMemory() {}

    /**
     * The estimate E of the class comment.
     *
     * @param model         the base (built, not pretrained: only its shapes are read)
     * @param baseElements  P, the base's parameter count before any adapter was attached
     * @param trained       N, the trained parameters' element count
     * @param tensors       T, their tensor count
     * @param extra         whether they are additional to the base (adapters) rather than the base's own (full)
     * @param optimizer     the optimizer kind
     * @param batch         B
     * @param positions     L ({@link #positions})
     * @param colaSites     ColA's adapted sites (their adaptation data is buffered), empty otherwise
     * @param interval      ColA's interval I (1 otherwise)
     */
    public static long estimate(Model model, long baseElements, long trained, long tensors, boolean extra,
            OptimizerKind optimizer, int batch, int positions, List<Site> colaSites, int interval) {
        DType dtype = model.dtype();
        long e = dtype.bytes, n = trained;
        long total = baseElements * e + (extra ? n * e : 0) + n * e
                + AnalyticBytes.optimizerState(optimizer, n, tensors, dtype);
        total += AnalyticBytes.activationEstimate(new ArrayList<>(model.sites().values()), batch, positions, dtype);
        if (!colaSites.isEmpty()) {
            total += (long) interval * AnalyticBytes.adaptationDataBytes(colaSites, batch, positions, dtype);
        }
        return total;
    }

    /**
     * E for a {@code cola train} run of {@code cfg} on {@code fresh} (a built, not pretrained, workload) with
     * {@code setup} made on it; {@code baseElements} is P counted before the setup attached adapters.
     */
    public static long forRun(TrainConfig cfg, Workload fresh, long baseElements, MethodSetup setup) {
        boolean cola = cfg.method() == TrainMethod.COLA;
        Collection<Var> trained = setup.trainedParameters().values();
        return estimate(fresh.model(), baseElements, trained.stream().mapToLong(v -> v.value().numel()).sum(),
                trained.size(), cfg.method() != TrainMethod.FULL, cfg.optimizer(), cfg.batch(),
                positions(fresh.tasks()),
                cola ? setup.sites() : List.of(), cola ? cfg.interval() : 1)
                + (cfg.loraVariant() == LoraVariant.DORA ? setup.sites().stream()
                        .mapToLong(s -> (long) s.inFeatures() * s.outFeatures() * cfg.dtype().bytes).sum() : 0);
    }

    /** E for pretraining {@code fresh}'s whole model with AdamW on batches of {@code batch}. */
    public static long forPretraining(Workload fresh, int batch) {
        Model m = fresh.model();
        return estimate(m, m.parameterCount(), m.parameterCount(), m.namedParameters().size(), false,
                OptimizerKind.ADAMW, batch, positions(fresh.tasks()), List.of(), 1);
    }

    /**
     * E for CopRA's adapters: one rank-{@code rank} LoRA pair per site of {@code sites} for each of {@code tasks}
     * tasks (all kept for merging), AdamW, batches of {@code batch}; ColA also buffers one batch's adaptation data.
     */
    public static long forCopra(Workload fresh, List<Site> sites, int tasks, int rank, int batch, boolean cola) {
        long n = 0;
        for (Site s : sites) n += (long) rank * (s.inFeatures() + s.outFeatures());
        return estimate(fresh.model(), fresh.model().parameterCount(), tasks * n, tasks * 2L * sites.size(), true,
                OptimizerKind.ADAMW, batch, positions(fresh.tasks()), cola ? sites : List.of(), 1);
    }

    /**
     * L, the token positions of one example the sites see: a classification or language-model family's sequence
     * length, a seq2seq family's longer side, 1 for vector inputs (the digits mlp) and other families.
     */
    public static int positions(TaskFamily<?> f) {
        if (f instanceof LmFamily lm) return lm.seqLen();
        if (f instanceof ClassificationFamily c) return c.seqLen();
        if (f instanceof Seq2SeqFamily s) return Math.max(s.srcLen(), s.tgtLen());
        return 1;
    }
}
