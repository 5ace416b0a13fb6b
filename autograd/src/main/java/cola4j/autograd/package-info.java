/**
 * Reverse-mode graph {@link Var}, primitive ops with their VJPs, composites (activations, losses, LayerNorm, dropout).
 * backward walks the topological order in reverse, handing dL/dv to hooks and VJPs; gradients accumulate.
 * GradCheck (central differences) → ElementwiseOpsGradTest, LinalgOpsGradTest, … → SameDiffCrossCheckTest.
 */
package cola4j.autograd;
