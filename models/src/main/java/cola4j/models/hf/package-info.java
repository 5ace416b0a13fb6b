/**
 * Hugging Face model directories ({@code config.json} + {@code model.safetensors}) as cola4j models, so ColA can
 * adapt a checkpoint a researcher knows. Equation → class → test:
 * <ul>
 *   <li>config keys and transformers' defaults → {@link cola4j.models.hf.HfConfigReader}, validated
 *       {@link cola4j.models.hf.HfConfig}; activations gelu (erf), gelu_new, relu → {@link
 *       cola4j.models.hf.HfActivation} (erf GELU: autograd's SpecialOpsTest against glibc/torch);</li>
 *   <li>GPT-2 ({@code GPT2LMHeadModel}: pre-LN, fused Conv1D c_attn, tied lm_head) → {@link cola4j.models.hf.HfGpt2},
 *       {@code Gpt2Block};</li>
 *   <li>BERT/RoBERTa ({@code …ForSequenceClassification}: post-LN, token types, RoBERTa positions from the pad id,
 *       pooler + classifier / RoBERTa classification head) → {@link cola4j.models.hf.HfBert}, {@code BertLayer};</li>
 *   <li>BART ({@code BartForConditionalGeneration}: positions offset 2, scale_embedding, layernorm_embedding,
 *       post-LN, tied lm_head + final_logits_bias) → {@link cola4j.models.hf.HfBart}, {@code BartLayer};</li>
 *   <li>tensor names, Conv1D transposition, dtype conversion, errors → {@link cola4j.models.hf.HfLoader}.</li>
 * </ul>
 * Tests: HfFixtureTest (tests/: logits, loss, one LoRA and one ColA SGD step against an independent float64 torch
 * implementation, ≤ 1e-10 relative; measured ≤ 2.1e-15), HfLoaderErrorsTest (tests/: each error, prefix and name
 * normalizations, head initialization), HfGradTest (tests/: every parameter's gradient against finite
 * differences), HfConfigReaderTest (models/: the keys of the hub's gpt2, roberta-base and
 * facebook/bart-base configs; refused settings). Formulas and the name mapping: docs/models.md.
 */
package cola4j.models.hf;
