package cola4j.gl.cola;

import cola4j.autograd.Var;
import cola4j.models.ForwardContext;

/**
 * One batch's training loss as a function of the forward context: the trainers own the context (dropout RNG,
 * site interceptor), the caller owns the model call and the batch. Must return a scalar.
 */
@FunctionalInterface
public interface LossFunction {
    Var loss(ForwardContext ctx);
}
