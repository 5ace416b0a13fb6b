/**
 * Backprop baselines on the server: {@link LoraTrainer} (multi-tenant LoRA), Ia3Trainer, FullFineTuneTrainer,
 * VirtualTokenTrainer (prompt and prefix tuning; formulas and tests in cola4j.models.prompt).
 * Ordinary backprop with gradient accumulation over I batches (BackpropStep): what ColA must equal (P3, P5, P6, P8).
 * Ia3TrainerTest (finite differences); LoraTrainer, FullFineTuneTrainer as references in EquivalenceSuiteTest.
 */
package cola4j.gl.baselines;
