package cola4j.models;

import cola4j.autograd.Activations;
import cola4j.autograd.Losses;
import cola4j.autograd.Var;
import cola4j.models.layers.Dropout;
import cola4j.models.layers.Linear;
import cola4j.models.site.Site;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Multilayer perceptron classifier for vectors or flattened images: x [B, D] (or [B, H, W, ...], flattened
 * row-major to [B, D]) → logits [B, K].
 * <pre>
 *   a₀ = x;  a_{i+1} = dropout(relu(layers.i(a_i)))   layers.i: Linear [hidden_i, hidden_{i−1}] with bias
 *   logits = head(a_L)                               head: Linear [K, hidden_last] with bias
 * </pre>
 * Sites: {@code layers.0 … layers.L−1}, {@code head}.
 */
public final class MlpClassifier implements Model {
    private final MlpClassifierConfig config;
    private final List<Linear> layers = new ArrayList<>();
    private final Linear head;
    private final Dropout dropout;

    public MlpClassifier(MlpClassifierConfig c, Rng rng) {
        this.config = c;
        int width = c.inputDim();
        for (int i = 0; i < c.hidden().size(); i++) {
            layers.add(new Linear("layers." + i, width, c.hidden().get(i), true, c.dtype(), rng));
            width = c.hidden().get(i);
        }
        this.head = new Linear("head", width, c.classes(), true, c.dtype(), rng);
        this.dropout = new Dropout(c.dropout());
    }

    public MlpClassifierConfig config() {
        return config;
    }

    /** x [B, D] or [B, ...] with D elements per example, in the model's dtype → logits [B, K]. */
    public Var forward(Tensor x, ForwardContext ctx) {
        if (x.rank() < 2 || x.numel() / x.dim(0) != config.inputDim() || x.dtype() != config.dtype()) {
            throw new IllegalArgumentException("MlpClassifier: input " + x.dtype() + " "
                    + java.util.Arrays.toString(x.shape()) + " needs shape [B, ...] with " + config.inputDim()
                    + " elements per example and dtype " + config.dtype());
        }
        Var a = Var.constant(x.reshape(x.dim(0), config.inputDim())); // [B, ...] -> [B, D]
        for (Linear l : layers) a = dropout.forward(Activations.relu(l.forward(a, ctx)), ctx);
        return head.forward(a, ctx);
    }

    /** Mean cross-entropy against labels [B] in [0, K). */
    public Var loss(Tensor x, int[] labels, ForwardContext ctx) {
        return Losses.crossEntropy(forward(x, ctx), labels);
    }

    @Override
    public LinkedHashMap<String, Site> sites() {
        List<Site> s = new ArrayList<>(layers);
        s.add(head);
        return Model.index(s);
    }

    @Override
    public DType dtype() {
        return config.dtype();
    }

    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        LinkedHashMap<String, Var> m = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) Module.addChild(m, "layers." + i, layers.get(i));
        Module.addChild(m, "head", head);
        return m;
    }

    @Override
    public void setTrainable(boolean trainable) {
        for (Linear l : layers) l.setTrainable(trainable);
        head.setTrainable(trainable);
    }
}
