/**
 * cola train: {@link TrainLoop}, MethodSetup (full, lora, ia3, cola, adalora, prompt, prefix), PEFT-format
 * AdapterCheckpoint, TrainState. Prompt/prefix: {@link VirtualTokenSetup} (PEFT prompt_embeddings;
 * VirtualTokenTrainTest).
 * Guarantees: exact resume (step k draws from (seed, k) alone); checkpoints swap atomically, only from finite state.
 * TrainCommandTest (resumeIsBitIdenticalToAnUninterruptedRun), TrainLoopTest.
 * Integrity: CheckpointManifest (size + SHA-256 of every file; any single-byte change detected:
 * CheckpointManifestPropertyTest), CheckpointAudit (config by the option rules, step = optimizer.step · interval,
 * metrics rows 1..step, finite tensors), BaseIdentity (base config + weights hash); CheckpointCorruptionTest.
 * Checkpoints of earlier versions: the config fields added since read as their old meaning (LegacyConfigFields)
 * → LegacyCheckpointResumeTest (resume byte-identical to an uninterrupted run).
 * Same config → byte-identical checkpoints in separate JVMs (sorted metadata, no clock): DeterministicCheckpointTest.
 * PEFT export: LoRA ΔW = (lora_alpha/r)·B·A and IA3 h' = l ⊙ h (ia3_l (out, 1)) / h' = W(l ⊙ x) + b
 * (feedforward, ia3_l (1, in)) in PEFT's key names, shapes and config fields ({@link AdapterCheckpoint},
 * {@link PeftAdapterConfig}, {@link AdapterBase}); ColA linear/MLP auxiliaries in the format that
 * {@link AdapterMetadata} (cola4j_adapter.json) documents. AdapterExportTest applies PEFT's formulas and the
 * documented ones to the stored tensors.
 * TrainCommandTest (resumeIsBitIdenticalToAnUninterruptedRun), TrainLoopTest. --aux embedding: low-rank on token ids at
 * embed.token, saved as PEFT's lora_embedding_A [r, vocab] / lora_embedding_B [dim, r]; ColA ≡ LoRA in float64
 * (EmbeddingAuxTrainTest). --lora-variant rslora|pissa|dora ({@link VariantAuxiliaries}: s = α/√r; PiSSA's SVD init
 * with W_res = W0 − s·B0·A0 left in the base; DoRA over W0) exported with PEFT's use_rslora, init_lora_weights
 * "pissa" (+ pissa_as_lora/, rank 2r on the unmodified base) and use_dora + lora_magnitude_vector; ColA ≡ LoRA per
 * variant in float64 (LoraVariantTrainTest), exact resume per variant (LoraVariantCommandTest).
 * Memory estimate before pretraining ({@link TrainingMemory}: E = P·e + trained N·e (+ N·e for adapters) + optimizer
 * state O(N, T) + activations 4·X(all sites, B, L) + ColA's I·X(adapted sites, B, L)) → MemoryEstimateTest (parts
 * summed from the model's tensors and sites; a --batch 4096 run refused under -Xmx96m before pretraining).
 * adalora (AdaLoraSettings, AdaLoraCheckpoint, PeftAdaLoraConfig): PEFT AdaLoRA names lora_A/lora_E/lora_B,
 * the rank allocator's state in training_state.safetensors; AdaLoraTrainTest (resume across allocations bit-exact).
 */
package cola4j.gl.app.train;
