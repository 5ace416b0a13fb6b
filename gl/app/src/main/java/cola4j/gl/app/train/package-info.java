/**
 * cola train: {@link TrainLoop}, MethodSetup (full, lora, ia3, cola), PEFT-format AdapterCheckpoint, TrainState.
 * Guarantees: exact resume (step k draws from (seed, k) alone); checkpoints swap atomically, only from finite state.
 * TrainCommandTest (resumeIsBitIdenticalToAnUninterruptedRun), TrainLoopTest. --aux embedding: low-rank on token ids at
 * embed.token, saved as PEFT's lora_embedding_A [r, vocab] / lora_embedding_B [dim, r]; ColA ≡ LoRA in float64
 * (EmbeddingAuxTrainTest).
 */
package cola4j.gl.app.train;
