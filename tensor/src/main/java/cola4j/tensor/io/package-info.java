/**
 * Safetensors files ({@link Safetensors}), bfloat16/binary16 (HalfFloats), atomic writes (AtomicFiles), EnumSpelling.
 * Byte ranges tile the data section exactly; narrowing rounds to nearest even; a reader sees the old file or the new.
 * SafetensorsTest, SafetensorsValidationTest, HalfFloatsTest, AtomicFilesTest, TempFilesTest.
 */
package cola4j.tensor.io;
