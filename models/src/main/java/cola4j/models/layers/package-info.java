/**
 * Layers: {@link Linear}, Embedding, LayerNorm, Gelu, Dropout, Mlp, MultiHeadAttention, TransformerBlock/Stack.
 * PyTorch formulas: h = x·Wᵀ + b; attention softmax(Q·Kᵀ/√hs)·V with masked keys at −1e30 (weight exactly
 * 0). LayersGradTest (finite differences), MaskTest → SameDiffBlockTest (tests/, 1e-10 relative).
 * The attention core {@code MultiHeadAttention.attend} is shared with the Hugging Face layouts (cola4j.models.hf),
 * and LayerNorm takes the checkpoint's ε.
 */
package cola4j.models.layers;
