package cola4j.gl.app.io;

import java.io.PrintStream;

/**
 * Where a command writes: {@code out} for results (tables, help asked for), {@code err} for progress, warnings
 * and errors. Passed explicitly so that tests can capture both.
 *
 * @param out standard output (results)
 * @param err standard error (diagnostics)
 */
public record Io(PrintStream out, PrintStream err) {
    /** The process' own streams. */
    public static Io system() {
        return new Io(System.out, System.err);
    }
}
