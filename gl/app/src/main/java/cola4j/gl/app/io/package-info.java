/**
 * Program I/O: Io (out, err), {@link JsonFiles}, Table, Progress, DTypeJson (float32/float64 in JSON), PlotStyle
 * (Okabe–Ito colours, distinct dashes and markers for XChart plots; TailMetricsTest).
 * Guarantees: JSON is written atomically (parent directories created, no temporary file left); aligned tables.
 * ArgsAndJsonTest (atomicWriteCreatesDirectoriesReplacesAndLeavesNoTempFile), TableTest.
 */
package cola4j.gl.app.io;
