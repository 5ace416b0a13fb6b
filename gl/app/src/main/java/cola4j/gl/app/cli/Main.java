package cola4j.gl.app.cli;

import cola4j.gl.app.command.Command;
import cola4j.gl.app.command.CommandGroup;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.io.Io;
import cola4j.tensor.Backend;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * Entry point of the {@code cola} command line ({@code ./cola} at the repository root runs it).
 *
 * <p>{@code cola [--help]} lists the commands of {@link Commands#all()}; {@code cola CMD [SUB...] [options]}
 * descends through {@link CommandGroup}s by name and runs the leaf {@link Command}.
 *
 * <p>Exit codes: 0 success (also for {@code --help}); 1 the command failed (message on stderr; the stack trace
 * too for unexpected errors, or always with {@code COLA_DEBUG=1}); 2 usage error (unknown command or option, an
 * option given twice, missing or invalid value, a long option typed as a prefix of its name): one line on stderr plus
 * a hint, never a stack trace. A heap exhausted by a command ({@link OutOfMemoryError}) is one line naming the size
 * options to lower, exit 1.
 */
public final class Main {
    private Main() {}

    static final int OK = 0, FAILED = 1, USAGE = 2;

    public static void main(String[] args) {
        // ND4J logs through SLF4J (slf4j-simple at runtime); keep it to warnings unless the user chose a level.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        OutOfMemoryLine.install(System.err);      // an exhausted heap on any other thread: the same line, exit 1
        int code = run(args, Io.system());
        System.out.flush();
        System.exit(code);
    }

    /** Runs {@code cola args...} against the given streams and returns the exit code (never exits the JVM). */
    public static int run(String[] args, Io io) {
        return run(args, io, Commands.all());
    }

    /** {@link #run(String[], Io)} over the given top-level commands instead of {@link Commands#all()} (tests). */
    static int run(String[] args, Io io, List<Command> commands) {
        return dispatch("cola", commands, Arrays.asList(args), io);
    }

    private static int dispatch(String path, List<Command> commands, List<String> args, Io io) {
        if (args.isEmpty()) {
            printGroupHelp(path, commands, io.err());
            return USAGE;
        }
        String first = args.get(0);
        if (first.equals("-h") || first.equals("--help") || first.equals("help")) {
            printGroupHelp(path, commands, io.out());
            return OK;
        }
        if (first.startsWith("-")) {
            return usageError(path, "unknown option '" + first + "' (options go after the command)", io);
        }
        for (Command c : commands) {
            if (!c.name().equals(first)) continue;
            List<String> rest = args.subList(1, args.size());
            String sub = path + " " + c.name();
            return c.subcommands().isEmpty() ? runLeaf(sub, c, rest, io) : dispatch(sub, c.subcommands(), rest, io);
        }
        return usageError(path, "unknown command '" + first + "'; commands: " + names(commands), io);
    }

    private static int runLeaf(String path, Command c, List<String> args, Io io) {
        Options options = withHelp(c.options());
        if (args.contains("-h") || args.contains("--help")) {
            printLeafHelp(path, c, options, io.out());
            return OK;
        }
        CommandLine cl;
        try {
            cl = parser().parse(options, args.toArray(String[]::new));
        } catch (ParseException e) {
            return usageError(path, e.getMessage(), io);
        }
        String repeated = firstRepeated(cl);
        if (repeated != null) return usageError(path, "option " + repeated + " given more than once", io);
        if (c.positionals().isEmpty() && !cl.getArgList().isEmpty()) {
            return usageError(path, "unexpected argument '" + cl.getArgList().get(0) + "'", io);
        }
        if (!c.options().hasLongOption(BACKEND) && cl.hasOption(BACKEND)) {
            try {
                Backend.select(Backend.parse(cl.getOptionValue(BACKEND)));
            } catch (IllegalArgumentException e) {
                return usageError(path, "--backend: " + e.getMessage(), io);
            }
        }
        OutOfMemoryLine.enter(path, cl, options);
        try {
            return c.run(cl, io);
        } catch (UsageException e) {
            return usageError(path, e.getMessage(), io);
        } catch (Exception e) {
            // a worker's exhausted heap reaching this thread as a cause (ExecutionException, gRPC status, ...)
            if (OutOfMemoryLine.isOutOfMemory(e)) return outOfMemory(path, cl, options, io);
            return failure(path, e, io);
        } catch (OutOfMemoryError e) {
            return outOfMemory(path, cl, options, io);
        }
    }

    /**
     * Long options must be typed in full: commons-cli's default prefix matching would read {@code --dtyp float32} as
     * {@code --dtype float32}, and {@code --d} as whichever option starts with d.
     */
    static DefaultParser parser() {
        return DefaultParser.builder().setAllowPartialMatching(false).build();       // a parser has state: one per call
    }

    /**
     * One line for a heap exhausted by the command ({@link OutOfMemoryLine#line}): the size options given (or, when
     * none was, those the command has) to lower, and how to raise the heap. Exit code 1.
     */
    private static int outOfMemory(String path, CommandLine cl, Options options, Io io) {
        io.err().println(OutOfMemoryLine.line(path, cl, options));
        return FAILED;
    }

    /**
     * The first option that occurs more than once ({@code --steps 4 --steps 8}), as typed ({@code --steps} or
     * {@code -h}), or null. commons-cli keeps every occurrence but {@code getOptionValue} returns the first, so a
     * repeated option would otherwise be silently ignored; no cola option takes several values.
     */
    private static String firstRepeated(CommandLine cl) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Option o : cl.getOptions()) {
            String key = o.getKey();
            if (!seen.add(key)) return o.getLongOpt() != null ? "--" + o.getLongOpt() : "-" + o.getOpt();
        }
        return null;
    }

    private static int usageError(String path, String message, Io io) {
        io.err().println(path + ": " + message);
        io.err().println("Run '" + path + " --help' for usage.");
        return USAGE;
    }

    /** Expected failures (I/O, rejected input) print one line; anything else is a bug and keeps its stack trace. */
    private static int failure(String path, Exception e, Io io) {
        boolean expected = e instanceof IOException || e instanceof UncheckedIOException
                || e instanceof IllegalArgumentException || e instanceof IllegalStateException;
        io.err().println(path + ": error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        if (!expected || System.getenv("COLA_DEBUG") != null) e.printStackTrace(io.err());
        else io.err().println("(set COLA_DEBUG=1 for the stack trace)");
        return FAILED;
    }

    /**
     * Every command's {@code --backend heap|nd4j}: the tensor backend of the process ({@link Backend}; default: the
     * {@code COLA_BACKEND} environment variable, else heap), selected before the command makes any tensor. A
     * command that declares its own {@code --backend} (bench step: a list to compare) handles it itself.
     */
    static final String BACKEND = "backend";

    private static Options withHelp(Options options) {
        Options all = new Options();
        for (Option o : options.getOptions()) all.addOption(o);
        if (!all.hasLongOption(BACKEND)) {
            all.addOption(Option.builder().longOpt(BACKEND).hasArg().argName("heap|nd4j")
                    .desc("Tensor backend: heap (default; Java arrays + OpenBLAS) or nd4j (ND4J INDArrays, the GPU "
                            + "under -Pcuda); default from COLA_BACKEND").build());
        }
        if (!all.hasOption("help")) {
            all.addOption(Option.builder("h").longOpt("help").desc("Show this help and exit").build());
        }
        return all;
    }

    private static String names(List<Command> commands) {
        List<String> n = new ArrayList<>();
        for (Command c : commands) n.add(c.name());
        return String.join(", ", n);
    }

    private static void printGroupHelp(String path, List<Command> commands, java.io.PrintStream out) {
        out.println("usage: " + path + " <command> [options]");
        out.println();
        out.println("Commands:");
        int w = 0;
        for (Command c : commands) w = Math.max(w, c.name().length());
        for (Command c : commands) out.printf("  %-" + w + "s  %s%n", c.name(), c.description());
        out.println();
        out.println("Run '" + path + " <command> --help' for a command's options.");
    }

    private static void printLeafHelp(String path, Command c, Options options, java.io.PrintStream out) {
        HelpFormatter f = HelpFormatter.builder().get();
        PrintWriter pw = new PrintWriter(out);
        String syntax = path + " [options]" + (c.positionals().isEmpty() ? "" : " " + c.positionals());
        f.printHelp(pw, 100, syntax, c.description() + "\n\n", options, 2, 3, "", false);
        pw.flush();
    }
}
