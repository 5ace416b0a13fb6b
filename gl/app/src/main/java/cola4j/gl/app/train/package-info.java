/**
 * cola train: {@link TrainLoop}, MethodSetup (full, lora, ia3, cola), PEFT-format AdapterCheckpoint, TrainState.
 * Guarantees: exact resume (step k draws from (seed, k) alone); checkpoints swap atomically, only from finite state.
 * TrainCommandTest (resumeIsBitIdenticalToAnUninterruptedRun), TrainLoopTest.
 */
package cola4j.gl.app.train;
