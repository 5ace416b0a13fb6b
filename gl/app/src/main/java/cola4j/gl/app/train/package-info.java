/**
 * cola train: {@link TrainLoop}, MethodSetup (full, lora, ia3, cola, prompt, prefix), PEFT-format AdapterCheckpoint,
 * TrainState. Prompt/prefix: {@link VirtualTokenSetup} (PEFT prompt_embeddings; VirtualTokenTrainTest).
 * Guarantees: exact resume (step k draws from (seed, k) alone); checkpoints swap atomically, only from finite state.
 * TrainCommandTest (resumeIsBitIdenticalToAnUninterruptedRun), TrainLoopTest.
 * Integrity: CheckpointManifest (size + SHA-256 of every file; any single-byte change detected:
 * CheckpointManifestPropertyTest), CheckpointAudit (config by the option rules, step = optimizer.step · interval,
 * metrics rows 1..step, finite tensors), BaseIdentity (base config + weights hash); CheckpointCorruptionTest.
 * Same config → byte-identical checkpoints in separate JVMs (sorted metadata, no clock): DeterministicCheckpointTest.
 * PEFT export: LoRA ΔW = (lora_alpha/r)·B·A and IA3 h' = l ⊙ h (ia3_l (out, 1)) / h' = W(l ⊙ x) + b
 * (feedforward, ia3_l (1, in)) in PEFT's key names, shapes and config fields ({@link AdapterCheckpoint},
 * {@link PeftAdapterConfig}, {@link AdapterBase}); ColA linear/MLP auxiliaries in the format that
 * {@link AdapterMetadata} (cola4j_adapter.json) documents. AdapterExportTest applies PEFT's formulas and the
 * documented ones to the stored tensors.
 * TrainCommandTest (resumeIsBitIdenticalToAnUninterruptedRun), TrainLoopTest. --aux embedding: low-rank on token ids at
 * embed.token, saved as PEFT's lora_embedding_A [r, vocab] / lora_embedding_B [dim, r]; ColA ≡ LoRA in float64
 * (EmbeddingAuxTrainTest).
 * Memory estimate before pretraining ({@link TrainingMemory}: E = P·e + trained N·e (+ N·e for adapters) + optimizer
 * state O(N, T) + activations 4·X(all sites, B, L) + ColA's I·X(adapted sites, B, L)) → MemoryEstimateTest (parts
 * summed from the model's tensors and sites; a --batch 4096 run refused under -Xmx96m before pretraining).
 */
package cola4j.gl.app.train;
