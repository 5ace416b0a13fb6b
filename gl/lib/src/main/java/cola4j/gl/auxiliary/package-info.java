/**
 * Auxiliary models g_w by {@link AuxiliaryKind}: LowRankAux, LinearAux, MlpAux, EmbeddingLowRankAux (AuxiliaryFactory).
 * lowrank g(x) = (α/r)·x·Aᵀ·Bᵀ, ΔW = (α/r)·B·A, g = 0 at init (PEFT); a mergeable g is x·ΔWᵀ + Δb.
 * AuxiliaryFactory → AuxiliaryModelTest, MergeTest → P1 for every kind in EquivalenceSuiteTest.
 * LoRA variants ({@link LoraVariant}), all → LoraVariantsTest (values against the formula, finite differences):
 * rsLoRA s = α/√r → RsLora; PiSSA A = √(Σ_r/s)V_rᵀ, B = U_r√(Σ_r/s), W_res = W0 − s·B·A → Pissa, Svd
 * (one-sided Jacobi); DoRA g(x) = (m/n − 1)⊙xW0ᵀ + (m/n)⊙s·xAᵀBᵀ, n = ‖W0 + s·B·A‖ per output row
 * → DoraAux.
 */
package cola4j.gl.auxiliary;
