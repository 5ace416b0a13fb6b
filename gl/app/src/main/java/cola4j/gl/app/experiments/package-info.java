/**
 * The CopRA study of cola copra: {@link CopraExperiment}, CopraConfig, rows over seeds (CopraRow, MeanStd).
 * Guarantees: same seed, same numbers; the base is restored bit-exactly after each evaluation; Shapley is efficient.
 * CopraExperimentTest (deterministicBaseRestoredAndShapleyEfficient), CopraRowTest, CopraCommandTest.
 * Methods and LoRA variants (CopraTraining, through train's VariantAuxiliaries and AdaLoraTrainer): merges,
 * pruning and Shapley act on each variant's own ΔW against W0 (PiSSA s·B·A − s·B0·A0,
 * DoRA diag(m/n)(W0 + s·B·A) − W0, AdaLoRA s·B(A ⊙ E)) → CopraVariantsTest (float64 formulas, merges,
 * p0 = 1 ≡ plain, ColA ≡ LoRA per variant),
 * CopraVariantCommandTest.
 * ColaStudy/StudyOutput (cola study): ‖w_ColA − w_LoRA‖/‖w_LoRA‖ and L_ColA − L_LoRA per step for fit
 * epochs E or staleness k; E = 1 and k = 0 are the equivalence (P3, P10) → StudyCommandTest; results in
 * docs/study.md.
 * Comparison (cola compare): every train method (CompareMethod.discover) × task × seed on one FrozenBase through
 * MethodSetup/TrainLoop; cell = mean ± sd over seeds of the mean of the last ⌈E/4⌉ evaluations (CompareTable),
 * ColA bytes/step down measured = AnalyticBytes, up AnalyticBytes → CompareCommandTest (float64: lora ≡ cola ≡
 * cola-merged, P3/P4; same options, same JSON apart from timing); results in docs/compare.md.
 */
package cola4j.gl.app.experiments;
