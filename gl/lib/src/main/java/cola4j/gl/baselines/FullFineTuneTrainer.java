package cola4j.gl.baselines;

import cola4j.gl.cola.LossFunction;
import cola4j.gl.cola.RowRouting;
import cola4j.gl.cola.Trainer;

import cola4j.autograd.Var;
import cola4j.gl.optim.LrSchedule;
import cola4j.gl.optim.Optimizer;
import cola4j.models.ForwardContext;
import cola4j.models.Model;
import cola4j.models.Module;
import cola4j.models.site.Site;
import cola4j.tensor.Rng;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;

/**
 * Full fine-tuning by backprop: every base parameter is trainable (or, with a site list, only those sites' weights
 * and biases — the reference for P6, where a merged full-rank linear auxiliary must follow the same trajectory).
 * Single user: the whole model is that user's.
 */
public final class FullFineTuneTrainer implements Trainer {
    private final Model model;
    private final BackpropStep step;

    /**
     * @param model        the model to train (made trainable here)
     * @param onlySites    null: all parameters; otherwise only these sites' weight and bias
     * @param optimizerFor builds the optimizer over the trainable parameters (by parameter name)
     */
    public FullFineTuneTrainer(Model model, List<Site> onlySites,
                               Function<LinkedHashMap<String, Var>, Optimizer> optimizerFor, LrSchedule schedule,
                               int interval, double maxGradNorm) {
        this.model = model;
        if (onlySites == null) {
            model.setTrainable(true);
        } else {
            model.freeze();
            for (Site s : onlySites) ((Module) s).setTrainable(true);
        }
        LinkedHashMap<String, Var> trainable = new LinkedHashMap<>();
        model.namedParameters().forEach((n, v) -> {
            if (v.requiresGrad()) trainable.put(n, v);
        });
        this.step = new BackpropStep(optimizerFor.apply(trainable), schedule, interval, maxGradNorm);
    }

    @Override
    public String method() {
        return "full";
    }

    public Optimizer optimizer() {
        return step.optimizer();
    }

    @Override
    public double step(LossFunction loss, RowRouting routing, Rng dropoutRng) {
        if (!routing.isSingleUser()) {
            throw new IllegalArgumentException("full fine-tuning trains one user's model: mixed batches are not"
                    + " supported");
        }
        ForwardContext ctx = dropoutRng == null ? ForwardContext.eval() : ForwardContext.train(dropoutRng);
        return step.apply(loss.loss(ctx));
    }
}
