/**
 * Text data for the programs. Rule → class → test:
 * <ul>
 *   <li>Hugging Face tokenizers: tokenizer.json through DJL's binding of the Rust library, offline →
 *       {@link cola4j.gl.app.data.HfTokenizer} → HfTokenizerTest (ids of a committed WordLevel tokenizer; the native
 *       library in use is byte-identical to the one in DJL's jar);</li>
 *   <li>data files: JSONL / RFC 4180 CSV rows with their line numbers, bounded sizes, one-line {@code FILE:LINE:}
 *       errors → {@link cola4j.gl.app.data.TextRecords} (CSV: {@code Csv}); task types cls (text, label), lm
 *       (text, or prompt + response), seq2seq (source, target) and the split eval = first max(1, round(f·n)) rows of
 *       {@code Rng(seed).permutation(n)} → {@link cola4j.gl.app.data.TextDataset} → TextDatasetTest.</li>
 * </ul>
 * An app concern: the library (cola4j.gl) trains on token ids and never sees text or DJL (ArchitectureTest rule c).
 */
package cola4j.gl.app.data;
