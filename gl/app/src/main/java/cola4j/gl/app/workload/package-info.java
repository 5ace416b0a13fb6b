/**
 * Base models bound to task families ({@link Workload}, Workloads), pretraining (Pretrainer, PretrainCache), HeldOut.
 * Guarantees: pretraining is deterministic by seed and cached by content hash; held-out inputs never occur in training.
 * PretrainerTest, HeldOutTest, WorkloadTest (grouped loss gradient = each group trained alone).
 */
package cola4j.gl.app.workload;
