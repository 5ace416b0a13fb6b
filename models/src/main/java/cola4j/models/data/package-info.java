/**
 * Built-in, download-free data for cola4j: algorithmic sequence tasks and the vendored 8x8 digits set, all
 * deterministic by seed ({@link cola4j.tensor.Rng}).
 *
 * <p>Families ({@link cola4j.models.data.TaskFamily}): each has a pretraining mixture for the base model and downstream
 * tasks the base never saw, with deterministic per-user variants ({@code family.downstream(name, user)}):
 * <ul>
 *   <li>{@link cola4j.models.data.ClassificationFamily} (encoder classifier,
 *       {@link cola4j.models.data.ClassificationBatch}): pretrain first_last, majority, is_sorted, contains; downstream
 *       sum_mod_k, permuted_majority, count_symbol.</li>
 *   <li>{@link cola4j.models.data.LmFamily} (decoder LM, {@link cola4j.models.data.LmBatch}) and
 *       {@link cola4j.models.data.Seq2SeqFamily} (encoder-decoder, {@link cola4j.models.data.Seq2SeqBatch}):
 *       pretrain copy, reverse, sort; downstream shift, cipher, rotate.</li>
 *   <li>{@link cola4j.models.data.DigitsFamily} (vectors, {@link cola4j.models.data.VectorBatch}): pretrain digits;
 *       downstream rotate, flip, invert, mixed distribution shifts (mixed also permutes the labels per user).</li>
 * </ul>
 * Tokens come from the fixed {@link cola4j.models.data.SymbolVocab} (PAD = 0); masks are 1 for real tokens; targets use
 * {@link cola4j.models.data.SymbolVocab#IGNORE_INDEX} = -100 where no loss is taken. Scores:
 * {@link cola4j.models.data.Metrics}.
 *
 * <p>Vendored data: {@code src/main/resources/cola4j/models/data/digits/digits.csv.gz} with its CC BY 4.0 attribution
 * {@code README.md} beside it (read from the classpath by {@link cola4j.models.data.Digits#load()}).
 */
package cola4j.models.data;
