/**
 * CopRA: progressive activation ({@link ProgressiveTrainer}), AuxiliaryMerge, LowRankConcat, PrunePattern, Shapley.
 * p(k) = p₀ + (1 − p₀)·k/S₁ for k below S₁ = stage1Ratio·K, then 1; Shapley values sum to v(N) − v(∅).
 * ProgressiveActivationTest, MaskedStepTest, AuxiliaryMergeTest, PrunePatternTest, ShapleyTest; LayerGroupsTest.
 */
package cola4j.gl.copra;
