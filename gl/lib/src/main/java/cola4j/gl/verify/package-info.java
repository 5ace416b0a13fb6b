/**
 * The propositions P1–P8 and P10 (StalenessProposition: stale ColA = delayed-gradient descent) on a tiny decoder
 * (Fixture), run by {@link Verifier}; NegativeControls: one broken variant per proposition, each must FAIL
 * (cola verify --negative-controls, NegativeControlsTest); Walkthrough, MergedWalkthrough (W₀ + ΔW, restore by
 * copy), IntervalWalkthrough (buffer = gradient accumulation), UsersWalkthrough (mixed batch split by rows) for cola
 * explain (ExplainModesTest checks every printed difference).
 * Each is an identity in exact arithmetic: normwise relative difference ≤ Verifier.TOL64 = 1e-10 in float64.
 * Verifier → cola verify (VerifyExplainCommandTest) → EquivalenceSuiteTest, StalenessAndEpochsTest
 * and NegativeControlsTest (tests/).
 * VariantPropositions: P1 and P3 (ColA vs backprop trajectories) for rsLoRA, PiSSA (base holds W0 − s·B·A) and
 * DoRA (user given W0), and DoRA with a wrong W0 at the user, which fails → VariantPropositionsTest.
 */
package cola4j.gl.verify;
