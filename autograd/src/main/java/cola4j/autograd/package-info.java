/**
 * Reverse-mode graph {@link Var}, primitive ops with their VJPs, composites (activations, losses, LayerNorm, dropout).
 * backward walks the topological order in reverse, handing dL/dv to hooks and VJPs; gradients accumulate.
 * GradCheck (central differences) → ElementwiseOpsGradTest, LinalgOpsGradTest, … → SameDiffCrossCheckTest.
 * erf (A&amp;S 7.1.6 series / 7.1.14 continued fraction, VJP 2/√π·e^(−x²)) → {@link SpecialOps}, erf GELU
 * x·Φ(x) → {@link Activations#geluErf} → SpecialOpsTest (glibc/torch values, finite differences).
 * gelu, softmax (last axis), layerNorm run fused kernels (tensor's Fused) as one node each; geluComposite,
 * softmaxComposite, layerNormComposite are the definitions → FusedKernelsTest (float64 values and gradients ≤
 * 1e-13). Losses.halfSquaredError ½Σ(p − t)², one node bit-identical to its composite → gl's SurrogateNodeTest.
 */
package cola4j.autograd;
