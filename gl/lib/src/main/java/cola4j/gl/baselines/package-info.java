/**
 * Backprop baselines on the server: {@link LoraTrainer} (multi-tenant LoRA), Ia3Trainer, FullFineTuneTrainer,
 * AdaLoraTrainer (AdaLoRA: {@link AdaLoraAdapter} ΔW = B (A ⊙ E)·α/(r₀ + 1e-5), orthogonality regulariser,
 * {@link RankAllocator}'s importance-score budget schedule, all as PEFT); its masked step for CopRA keeps an inactive
 * site out of the forward pass, the penalty and the score update (AdaLoraTrainerTest).
 * VirtualTokenTrainer (prompt and prefix tuning; formulas and tests in cola4j.models.prompt).
 * Ordinary backprop with gradient accumulation over I batches (BackpropStep): what ColA must equal (P3, P5, P6, P8).
 * Ia3TrainerTest (finite differences); AdaLoraAdapterTest, RankAllocatorTest, AdaLoraTrainerTest (finite
 * differences, PEFT's schedule numbers); LoraTrainer, FullFineTuneTrainer as references in EquivalenceSuiteTest.
 */
package cola4j.gl.baselines;
