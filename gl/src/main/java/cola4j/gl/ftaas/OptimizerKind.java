package cola4j.gl.ftaas;

import cola4j.autograd.Var;
import cola4j.gl.optim.Adam;
import cola4j.gl.optim.AdamConfig;
import cola4j.gl.optim.AdamW;
import cola4j.gl.optim.Optimizer;
import cola4j.gl.optim.Sgd;
import cola4j.gl.optim.SgdConfig;
import cola4j.tensor.DType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A user's optimizer in a fine-tuning-as-a-service session (the same on its device under ColA and on the server
 * in the LoRA and full baselines), with the state it keeps over n elements in t tensors of e bytes each:
 * <pre>
 *   SGD    momentum μ = 0.9, no dampening, no weight decay       state n·e        (one momentum buffer per tensor)
 *   ADAM   β = (0.9, 0.999), ε = 1e-8, no weight decay          state 2·n·e + 8·t (m, v, a float64 step scalar)
 *   ADAMW  as ADAM with decoupled weight decay 0 (same updates)  state 2·n·e + 8·t
 * </pre>
 */
public enum OptimizerKind {
    SGD("sgd"),
    ADAM("adam"),
    ADAMW("adamw");

    private final String cliName;

    OptimizerKind(String cliName) {
        this.cliName = cliName;
    }

    /** The name on the command line ({@code sgd}, {@code adam}, {@code adamw}). */
    public String cliName() {
        return cliName;
    }

    /** A fresh optimizer of this kind over {@code params} with learning rate {@code lr}. */
    public Optimizer create(LinkedHashMap<String, Var> params, double lr) {
        return switch (this) {
            case SGD -> new Sgd(params, new SgdConfig(lr, 0.9, 0, 0, false));
            case ADAM -> new Adam(params, new AdamConfig(lr, 0.9, 0.999, 1e-8, 0));
            case ADAMW -> new AdamW(params, new AdamConfig(lr, 0.9, 0.999, 1e-8, 0));
        };
    }

    /** State bytes after the first step over {@code elements} elements in {@code tensors} tensors (table above). */
    public long stateBytes(long elements, long tensors, DType dtype) {
        return this == SGD ? elements * dtype.bytes : 2 * elements * dtype.bytes + 8 * tensors;
    }

    /** The names accepted by {@link #parse}. */
    public static List<String> names() {
        return Arrays.stream(values()).map(OptimizerKind::cliName).toList();
    }

    /** {@code sgd} / {@code adam} / {@code adamw}; IllegalArgumentException naming the accepted ones otherwise. */
    public static OptimizerKind parse(String s) {
        for (OptimizerKind k : values()) if (k.cliName.equals(s)) return k;
        throw new IllegalArgumentException("optimizer '" + s + "' is not one of " + String.join(", ", names()));
    }

    @Override
    public String toString() {
        return cliName;
    }
}
