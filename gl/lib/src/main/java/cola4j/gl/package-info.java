/**
 * Gradient Learning ({@link GradientLearning}), the adaptation data (x, dL/dh) of a site, and a user's fit (UserFit).
 * Gradient Learning — a step on ½‖g_w(x) − stopgrad(g_w(x) − dL/dh)‖² whose gradient equals dL/dw.
 * GradientLearning → GradientLearningTest → P1 in cola verify → the equivalence suite (EquivalenceSuiteTest); its
 * surrogate is one node (autograd Losses.halfSquaredError), bit-identical to the sub/pow/sum/mul chain:
 * SurrogateNodeTest.
 * EpochFit: E passes against fixed targets T = g_{w₀}(x) − dL/dh (E = 1: bit-identical GL) → EpochFitTest
 * (closed form, linear auxiliary + SGD), StalenessAndEpochsTest.
 */
package cola4j.gl;
