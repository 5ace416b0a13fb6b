package cola4j.gl.app.ftaas;

import cola4j.autograd.Var;
import cola4j.gl.optim.AdamConfig;
import cola4j.gl.optim.AdamW;
import cola4j.models.ForwardContext;
import cola4j.models.MlpClassifier;
import cola4j.models.MlpClassifierConfig;
import cola4j.models.data.Digits;
import cola4j.models.data.DigitsFamily;
import cola4j.models.data.DigitsTask;
import cola4j.models.data.VectorBatch;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import java.util.function.IntConsumer;

/**
 * Pretrains the demo's base model in-process: an {@link MlpClassifier} 64 → hidden… → 10 (no dropout) on the
 * <em>unshifted</em> digits (the family's pretraining task), AdamW (lr, β = 0.9, 0.999, no weight decay), batches
 * of 64 drawn from Rng(seed + 1), weights from Rng(seed). Deterministic: same arguments, same weights. Takes a few
 * seconds for the default widths; {@code cola ftaas}/{@code cola serve} keep the result in the pretraining cache
 * ({@link DigitsPretrainCache}), the demo trains it in-process.
 */
public final class DigitsPretraining {
    private DigitsPretraining() {}

    /**
     * @param hidden widths of the hidden layers (the demo uses 128, 64)
     * @param steps  optimizer steps
     * @param lr     AdamW learning rate
     * @param onStep progress callback (may be null)
     */
    public static MlpClassifier pretrain(DigitsFamily family, int[] hidden, DType dtype, int steps, double lr,
            long seed, IntConsumer onStep) {
        MlpClassifier m = model(hidden, dtype, seed);
        m.setTrainable(true);
        AdamW opt = new AdamW(m.namedParameters(), new AdamConfig(lr, 0.9, 0.999, 1e-8, 0));
        DigitsTask task = family.pretraining();
        Rng data = new Rng(seed + 1);
        for (int s = 0; s < steps; s++) {
            VectorBatch b = task.batch(64, data);
            opt.zeroGrad();
            Var loss = m.loss(input(b, dtype), b.y(), ForwardContext.eval());
            loss.backward();
            opt.step();
            if (onStep != null) onStep.accept(s + 1);
        }
        m.freeze();
        return m;
    }

    /** The untrained model: 64 → hidden… → 10, no dropout, weights from Rng(seed). */
    static MlpClassifier model(int[] hidden, DType dtype, long seed) {
        MlpClassifierConfig c = new MlpClassifierConfig(Digits.PIXELS, java.util.Arrays.stream(hidden).boxed().toList(),
                Digits.CLASSES, 0.0, dtype);
        return new MlpClassifier(c, new Rng(seed));
    }

    private static Tensor input(VectorBatch b, DType dtype) {
        double[] flat = new double[b.size() * b.dim()];
        for (int i = 0; i < b.size(); i++) System.arraycopy(b.x()[i], 0, flat, i * b.dim(), b.dim());
        return Tensor.of(flat, b.size(), b.dim()).to(dtype);
    }
}
