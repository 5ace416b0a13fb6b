package cola4j.gl.app.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * The one line of an exhausted heap, wherever the {@link OutOfMemoryError} is thrown:
 * <ul>
 *   <li>on the command's thread, or wrapped as the cause of an exception that reaches it (an executor task's
 *       {@code ExecutionException}, a {@code CompletionException}, a gRPC status exception carrying its cause):
 *       {@link Main} prints the line and returns exit code 1;</li>
 *   <li>on any other thread, uncaught (gRPC server handlers and client callbacks rethrow an Error after closing the
 *       call; the in-process users of {@code ftaas --transport grpc}): the default uncaught-exception handler that
 *       {@link Main#main} installs prints the same line and halts the JVM with exit code 1, since the command's
 *       thread may otherwise wait for that worker until a timeout.</li>
 * </ul>
 * Where it cannot: an OutOfMemoryError caught and swallowed by a library (none here catches Error) or thrown while
 * the line itself is being printed. {@code Main.run} (the in-process entry the tests use) installs no handler.
 */
final class OutOfMemoryLine {
    private OutOfMemoryLine() {}

    /** Size options, in the order an out-of-memory message suggests lowering them. */
    static final List<String> SIZE_OPTIONS = List.of("users", "batch", "rows", "rank", "sizes", "eval-examples",
            "eval", "mlp-hidden", "preset");

    /** The command being run (its path, parsed options and option set), for a line printed from another thread. */
    record Context(String path, CommandLine cl, Options options) {}

    private static volatile Context current;

    static void enter(String path, CommandLine cl, Options options) {
        current = new Context(path, cl, options);
    }

    /**
     * {@code <path>: error: out of memory (heap N MiB); lower --x, --y or raise the heap (COLA_JAVA_OPTS=-Xmx...)}:
     * the size options given, or, when none was, those the command has.
     */
    static String line(String path, CommandLine cl, Options options) {
        List<String> given = new ArrayList<>(), known = new ArrayList<>();
        for (String o : SIZE_OPTIONS) {
            if (cl != null && cl.hasOption(o)) given.add("--" + o);
            else if (options != null && options.hasLongOption(o)) known.add("--" + o);
        }
        List<String> lower = given.isEmpty() ? known : given;
        return path + ": error: out of memory (heap " + Runtime.getRuntime().maxMemory() / 1048576 + " MiB); "
                + (lower.isEmpty() ? "" : "lower " + String.join(", ", lower) + " or ")
                + "raise the heap (COLA_JAVA_OPTS=-Xmx...)";
    }

    /** Whether {@code t} is an OutOfMemoryError or has one among its causes. */
    static boolean isOutOfMemory(Throwable t) {
        for (int depth = 0; t != null && depth < 32; t = t.getCause(), depth++) {
            if (t instanceof OutOfMemoryError) return true;
        }
        return false;
    }

    /**
     * For a worker thread's uncaught {@code t}: prints the line of the current command (or of {@code cola}) and
     * returns true when t is an exhausted heap; false (nothing printed) otherwise.
     */
    static boolean report(Throwable t, PrintStream err) {
        if (!isOutOfMemory(t)) return false;
        Context c = current;
        err.println(c == null ? line("cola", null, null) : line(c.path(), c.cl(), c.options()));
        err.flush();
        return true;
    }

    /**
     * Installs the default uncaught-exception handler: an exhausted heap on any thread ends the process with the
     * line and exit code 1 ({@link Runtime#halt}: shutdown hooks and other threads could need the memory that ran
     * out); any other uncaught throwable goes to the previous handler.
     */
    static void install(PrintStream err) {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, t) -> {
            if (report(t, err)) Runtime.getRuntime().halt(Main.FAILED);
            else if (previous != null) previous.uncaughtException(thread, t);
            else thread.getThreadGroup().uncaughtException(thread, t);
        });
    }
}
