/**
 * Auxiliary models g_w by {@link AuxiliaryKind}: LowRankAux, LinearAux, MlpAux, EmbeddingLowRankAux (AuxiliaryFactory).
 * lowrank g(x) = (α/r)·x·Aᵀ·Bᵀ, ΔW = (α/r)·B·A, g = 0 at init (PEFT); a mergeable g is x·ΔWᵀ + Δb.
 * AuxiliaryFactory → AuxiliaryModelTest, MergeTest → P1 for every kind in EquivalenceSuiteTest.
 */
package cola4j.gl.auxiliary;
