package cola4j.gl.app.experiments;

import cola4j.gl.app.train.BaseIdentity;
import cola4j.gl.app.workload.Workload;
import cola4j.gl.app.workload.Workloads;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one pretrained base every run of {@code cola compare} starts from. Full fine-tuning changes the weights in
 * place and the adapters attach to the model, so each run gets its own copy: a fresh {@link Workloads#create} of the
 * same family, preset, dtype and seed whose parameters are set to copies of the snapshot taken here. Copies, because
 * some setups change a weight's storage in place ({@code Site.addDelta}/{@code subtractDelta}: ColA's merged pass,
 * PiSSA's residual W0 − s·B0·A0), which would otherwise reach the snapshot and the next run. {@link #fresh()}
 * checks that the copy's {@link BaseIdentity} (SHA-256 of the weights) is the snapshot's.
 */
public final class FrozenBase {
    private final String family, preset;
    private final DType dtype;
    private final long seed;
    private final LinkedHashMap<String, Tensor> weights = new LinkedHashMap<>();
    private final BaseIdentity identity;

    /** Snapshots the current weights of {@code pretrained} (built by {@code Workloads.create(family, preset, …)}). */
    public FrozenBase(Workload pretrained, String family, String preset, DType dtype, long seed) {
        this.family = family;
        this.preset = preset;
        this.dtype = dtype;
        this.seed = seed;
        pretrained.model().namedParameters().forEach((k, v) -> weights.put(k, v.value().copy()));
        this.identity = BaseIdentity.of(pretrained.model());
    }

    /** The snapshot's identity (every run's base has it). */
    public BaseIdentity identity() {
        return identity;
    }

    /** A new workload holding exactly the snapshot's weights; IllegalStateException if its identity differs. */
    public Workload fresh() {
        Workload w = Workloads.create(family, preset, dtype, seed);
        var params = w.model().namedParameters();
        if (!params.keySet().equals(weights.keySet())) {
            throw new IllegalStateException("compare: the fresh " + family + " has other parameters than the base");
        }
        for (Map.Entry<String, Tensor> e : weights.entrySet()) params.get(e.getKey()).setValue(e.getValue().copy());
        if (!BaseIdentity.of(w.model()).equals(identity)) {
            throw new IllegalStateException("compare: a copy of the base does not reproduce its weights");
        }
        return w;
    }
}
