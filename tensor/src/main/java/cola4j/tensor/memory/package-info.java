/**
 * Byte accounting of tensors per Device and MemCategory: {@link MemoryLedger} and its MemorySnapshot.
 * bytes = numel × dtype size per key; re-tracking a key moves the count in one step; peaks are high-water marks.
 * MemoryLedger → MemoryLedgerTest (float32 [3, 4] = 48 B) → LedgerTest (gl/app) against AnalyticBytes.
 */
package cola4j.tensor.memory;
