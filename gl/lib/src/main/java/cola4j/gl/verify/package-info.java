/**
 * The propositions P1–P8 and P10 (StalenessProposition: stale ColA = delayed-gradient descent) on a tiny decoder
 * (Fixture), run by {@link Verifier}; Walkthrough (cola explain).
 * Each is an identity in exact arithmetic: normwise relative difference ≤ Verifier.TOL64 = 1e-10 in float64.
 * Verifier → cola verify (VerifyExplainCommandTest) → EquivalenceSuiteTest, StalenessAndEpochsTest
 * and NegativeControlsTest (tests/).
 */
package cola4j.gl.verify;
