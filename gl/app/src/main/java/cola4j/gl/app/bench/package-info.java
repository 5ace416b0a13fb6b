/**
 * cola bench: GemmBench, OpsBench, StepBench, SameDiffBench, MemoryBench, CommBench, AllBench ({@link BenchCommand}).
 * Guarantees: median timings on a touched heap (HeapTouch, at the first timed call, after the arguments parsed); comm
 * payload = Σ_sites rows × (in + out) × dtype size exactly; merged memory flat in K. BenchCommandsTest,
 * TrainingBenchesTest (commPayloadEqualsAnalytic; merged memory flat in K).
 * Backends: {@code bench step|ops|gemm --backend heap,nd4j} time each tensor backend in turn (BackendList; one row
 * per backend, ops/gemm rows with the 1-minute load average); {@code --markdown} on every bench prints the command,
 * machine, load and table as Markdown (PerBackendBenchesTest: parsing, usage errors, JSON shape; no timing).
 * TorchBench ({@code bench torch}): the step bench next to its PyTorch eager twin (resource torch_step.py), ratios and
 * load; skips with one line without PyTorch (TorchBenchTest).
 */
package cola4j.gl.app.bench;
