/**
 * cola bench: GemmBench, OpsBench, StepBench, SameDiffBench, MemoryBench, CommBench, AllBench ({@link BenchCommand}).
 * Guarantees: median timings; comm payload = Σ_sites rows × (in + out) × dtype size exactly; merged memory flat in
 * K. BenchCommandsTest, TrainingBenchesTest (commPayloadEqualsAnalytic; merged memory flat in K).
 */
package cola4j.gl.app.bench;
