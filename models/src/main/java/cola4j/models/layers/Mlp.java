package cola4j.models.layers;

import cola4j.autograd.Activations;
import cola4j.autograd.Var;
import cola4j.models.ForwardContext;
import cola4j.models.Module;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Transformer feed-forward: y = fc2(gelu(fc1(x))), fc1 [4C, C], fc2 [C, 4C] (both biased), tanh GELU
 * ({@link Activations#gelu}).
 * x [..., C] → [..., C]. Sites {@code name.fc1}, {@code name.fc2}.
 */
public final class Mlp implements Module {
    private final Linear fc1, fc2;

    public Mlp(String name, int dModel, int hidden, DType dtype, Rng rng) {
        this.fc1 = new Linear(name + ".fc1", dModel, hidden, true, dtype, rng);
        this.fc2 = new Linear(name + ".fc2", hidden, dModel, true, dtype, rng);
    }

    public Var forward(Var x, ForwardContext ctx) {
        return fc2.forward(Activations.gelu(fc1.forward(x, ctx)), ctx);
    }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        Module.addChild(m, "fc1", fc1);
        Module.addChild(m, "fc2", fc2);
        return m;
    }

    @Override
    public void setTrainable(boolean trainable) {
        fc1.setTrainable(trainable);
        fc2.setTrainable(trainable);
    }

    public List<Linear> linears() {
        return List.of(fc1, fc2);
    }
}
