/**
 * CopRA: progressive activation ({@link ProgressiveTrainer}), AuxiliaryMerge, LowRankConcat, PrunePattern, Shapley.
 * p(k) = p₀ + (1 − p₀)·k/S₁ for k below S₁ = stage1Ratio·K, then 1; Shapley values sum to v(N) − v(∅).
 * ProgressiveActivationTest, MaskedStepTest, AuxiliaryMergeTest, PrunePatternTest, ShapleyTest; LayerGroupsTest.
 * PEFT's sparsifying merges (magnitude_prune Σ w_t prune_k(τ_t), ties, dare_linear Σ w_t drop_k(τ_t), dare_ties
 * with majority_sign_method total|frequency) → SparseMerge → SparseMergeTest. ProgressiveTrainer drives LoRA (any
 * auxiliary, the LoRA variants too), ColA and AdaLoRA (AdaLoraTrainer.step with the active sites).
 */
package cola4j.gl.copra;
