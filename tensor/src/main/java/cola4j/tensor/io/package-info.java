/**
 * Safetensors files ({@link Safetensors}), bfloat16/binary16 (HalfFloats), atomic writes (AtomicFiles), EnumSpelling.
 * Byte ranges tile the data section exactly; the header is strict UTF-8 and valid Unicode, so every name read can be
 * written back; narrowing rounds to nearest even; a reader sees the old file or the new.
 * SafetensorsTest, SafetensorsValidationTest, SafetensorsUnicodeTest, SafetensorsFuzzPropertyTest (mutated files: a
 * typed error or a faithful load), HalfFloatsTest, AtomicFilesTest, TempFilesTest.
 */
package cola4j.tensor.io;
