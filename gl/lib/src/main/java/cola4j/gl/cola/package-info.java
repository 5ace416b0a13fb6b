/**
 * ColA: {@link ColaServer} (frozen base, backward to dL/dh), ColaInterceptor, RowRouting, MeanDeltaMerge, ColaTrainer.
 * The server forms no parameter gradient; merged passes use W + ΔW, then restore W bit-exactly; row b uses g_owner(b).
 * ColaServer, ColaTrainer → P1–P8 in EquivalenceSuiteTest and NegativeControlsTest → SessionEquivalenceTest.
 * StaleColaTrainer: w_{t+1} = opt(w_t, ∇L_t(w_{t−k})) (staleness k) → P10 in StalenessAndEpochsTest.
 */
package cola4j.gl.cola;
