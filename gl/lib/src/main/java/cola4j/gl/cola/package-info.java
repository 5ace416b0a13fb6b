/**
 * ColA: {@link ColaServer} (frozen base, backward to dL/dh), ColaInterceptor, RowRouting, MeanDeltaMerge, ColaTrainer.
 * The server forms no parameter gradient; merged passes use W + ΔW, then restore W bit-exactly; row b uses g_owner(b).
 * ColaServer, ColaTrainer → P1–P8 in EquivalenceSuiteTest and NegativeControlsTest → SessionEquivalenceTest.
 */
package cola4j.gl.cola;
