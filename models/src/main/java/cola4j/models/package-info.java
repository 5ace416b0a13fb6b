/**
 * The base models EncoderClassifier, DecoderLM, EncoderDecoder, MlpClassifier ({@link Model}) and ModelCheckpoint.
 * Pre-LN transformers as GPT-2/RoBERTa/BART (docs/models.md); a checkpoint save/load round trip is bit-exact.
 * ModelsGradTest (finite differences), MaskTest, ModelCheckpointTest → SameDiffModelsTest (tests/).
 * AtomicDirectory: a directory replaced by two renames; a crash leaves it recoverable (newest complete .old- copy),
 * leftovers are deleted before the next write; AtomicDirectoryTest.
 * {@link VirtualTokens} in the {@link ForwardContext}: prompt and prefix tuning's inputs (cola4j.models.prompt).
 */
package cola4j.models;
