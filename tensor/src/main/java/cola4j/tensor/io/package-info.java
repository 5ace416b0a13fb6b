/**
 * Safetensors files ({@link Safetensors}), bfloat16/binary16 (HalfFloats), atomic writes (AtomicFiles), EnumSpelling;
 * a validated file's header layout for tools (SafetensorsLayout); integer/BOOL entries kept as their bytes (RawTensor,
 * each spec dtype's element size: SafetensorsRawTest).
 * Byte ranges tile the data section exactly; the header is strict UTF-8 and valid Unicode, so every name read can be
 * written back; narrowing rounds to nearest even; a reader sees the old file or the new; metadata keys are written
 * sorted, so equal inputs give equal bytes in every JVM.
 * SafetensorsTest, SafetensorsValidationTest, SafetensorsUnicodeTest, SafetensorsFuzzPropertyTest (mutated files with
 * float and integer/BOOL entries: a typed error or a faithful load), HalfFloatsTest, AtomicFilesTest, TempFilesTest,
 * SafetensorsLayoutTest (layout, sorted metadata).
 */
package cola4j.tensor.io;
