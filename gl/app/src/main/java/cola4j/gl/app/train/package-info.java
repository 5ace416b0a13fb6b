/**
 * cola train: {@link TrainLoop}, MethodSetup (full, lora, ia3, cola), PEFT-format AdapterCheckpoint, TrainState.
 * Guarantees: exact resume (step k draws from (seed, k) alone); checkpoints swap atomically, only from finite state.
 * TrainCommandTest (resumeIsBitIdenticalToAnUninterruptedRun), TrainLoopTest.
 * Integrity: CheckpointManifest (size + SHA-256 of every file; any single-byte change detected:
 * CheckpointManifestPropertyTest), CheckpointAudit (config by the option rules, step = optimizer.step · interval,
 * metrics rows 1..step, finite tensors), BaseIdentity (base config + weights hash); CheckpointCorruptionTest.
 * Same config → byte-identical checkpoints in separate JVMs (sorted metadata, no clock): DeterministicCheckpointTest.
 */
package cola4j.gl.app.train;
