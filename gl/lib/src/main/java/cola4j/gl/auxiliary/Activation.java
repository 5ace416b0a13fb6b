package cola4j.gl.auxiliary;

import cola4j.autograd.Var;
import cola4j.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;

/** Hidden-layer nonlinearities of {@link MlpAux}, composed from autograd primitives. */
public enum Activation {
    /** relu(z) = max(z, 0); VJP g·[z &gt; 0] (½ at z = 0, from {@code maximum}). */
    RELU {
        @Override
        public Var apply(Var z) {
            return z.maximum(Var.constant(Tensor.zeros(z.value().dtype())));
        }
    },
    /** σ(z) = 1 / (1 + e^(−z)); VJP g·σ(1 − σ) via the chain rule through exp and pow. */
    SIGMOID {
        @Override
        public Var apply(Var z) {
            return z.neg().exp().add(1.0).pow(-1.0);
        }
    },
    /** tanh(z); VJP g·(1 − tanh²). */
    TANH {
        @Override
        public Var apply(Var z) {
            return z.tanh();
        }
    };

    /** Applies the nonlinearity elementwise. */
    public abstract Var apply(Var z);

    /** Parses {@code relu|sigmoid|tanh} (case-insensitive). */
    public static Activation parse(String s) {
        for (Activation a : values()) if (a.name().equalsIgnoreCase(s)) return a;
        throw new IllegalArgumentException("unknown activation '" + s + "': expected one of "
                + Arrays.toString(Arrays.stream(values()).map(a -> a.name().toLowerCase(Locale.ROOT)).toArray()));
    }
}
