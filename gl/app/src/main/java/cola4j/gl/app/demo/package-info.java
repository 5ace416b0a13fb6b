/**
 * cola demo: DemoPlan, {@link DemoRun}, DemoTables, DemoVerdict, SeedComparison, DemoReport, LearningCurves.
 * Guarantees: per user a ≥ base + 0.20 and a ≥ chance + 0.20; ColA vs LoRA within 2 × LoRA's seed-to-seed sd.
 * a = mean of the last ⌈E/4⌉ of E evaluations (DemoPlan.tailEvals); curves: Okabe–Ito colours, distinct dashes
 * and markers, legend notes on curves equal by theorem (LearningCurves). TailMetricsTest, DemoVerdictTest (criteria on
 * hand-made numbers) → DemoQuickTest (tests/: cola demo --quick end to end).
 */
package cola4j.gl.app.demo;
