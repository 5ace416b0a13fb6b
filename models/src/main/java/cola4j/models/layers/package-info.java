/**
 * Layers: {@link Linear}, Embedding, LayerNorm, Gelu, Dropout, Mlp, MultiHeadAttention, TransformerBlock/Stack.
 * PyTorch formulas: h = x·Wᵀ + b; attention softmax(Q·Kᵀ/√hs)·V with masked keys at −1e30 (weight exactly
 * 0). LayersGradTest (finite differences), MaskTest → SameDiffBlockTest (tests/, 1e-10 relative).
 * The attention core {@code MultiHeadAttention.attend} is shared with the Hugging Face layouts (cola4j.models.hf),
 * and LayerNorm takes the checkpoint's ε. TransformerStack prepends a prompt [n, C] and MultiHeadAttention
 * key/value prefixes (visible to every query: causal allows key j for query i iff j − n ≤ i) when the context holds
 * them (cola4j.models.prompt; PromptTuningTest, PrefixTuningTest).
 */
package cola4j.models.layers;
