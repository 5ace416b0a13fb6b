/**
 * Base models bound to task families ({@link Workload}, Workloads), pretraining (Pretrainer, PretrainCache), HeldOut.
 * Guarantees: pretraining is deterministic by seed and cached by content hash; held-out inputs never occur in training.
 * PretrainerTest, HeldOutTest, WorkloadTest (grouped loss gradient = each group trained alone).
 * {@code hf:DIR} with a data file: {@link HfWorkload} (transformers' loss; GPT-2 position t scored against label
 * t + 1; evaluation on the file's held-out split) built by {@link HfRun} → HfTrainCommandTest (gl/app train tests).
 */
package cola4j.gl.app.workload;
