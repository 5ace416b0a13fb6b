/**
 * Prompt and prefix tuning, the input-side PEFT baselines: trainable virtual tokens handed to a frozen model
 * through {@link cola4j.models.ForwardContext#tokens()} ({@link cola4j.models.VirtualTokens}).
 * {@link cola4j.models.prompt.PromptTuning}: x = [P; E[ids] + pos], P [n, C] on the input embeddings
 * (decoder LM: its stack; encoder–decoder: the encoder).
 * {@link cola4j.models.prompt.PrefixTuning}: K = [K_p; K], V = [V_p; V] in every chosen attention, the
 * prefixes from a reparameterisation MLP tanh(E·W₁ᵀ + b₁)·W₂ᵀ + b₂ or directly.
 * The layers that consume them: {@code layers.TransformerStack} (prompt; the real tokens keep positions
 * 0..T−1) and {@code layers.MultiHeadAttention} (prefix visible to every query, also under the causal mask).
 * Tests: PromptTuningTest, PrefixTuningTest (float64 finite differences, n = 0 equals the base, prompt = real
 * token embeddings and prefix = cached keys/values reproduce the base model, masks).
 */
package cola4j.models.prompt;
