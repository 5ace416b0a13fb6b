/**
 * Text data for the programs: Hugging Face tokenizers ({@link cola4j.gl.app.data.HfTokenizer}, tokenizer.json through
 * DJL's binding of the Rust library; HfTokenizerTest: ids of a committed WordLevel tokenizer, offline, the native
 * library is the one in DJL's jar). An app concern: the library (cola4j.gl) trains on token ids and never sees text
 * or DJL (ArchitectureTest rule c).
 */
package cola4j.gl.app.data;
