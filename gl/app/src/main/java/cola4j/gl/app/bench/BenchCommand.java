package cola4j.gl.app.bench;

import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.Command;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.app.io.Table;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * Base of every {@code cola bench X} command: measure rows, print them as a table, and with {@code --json FILE}
 * write {@code {"X": [row, ...]}} atomically. A subclass supplies its options, {@link #measure} and
 * {@link #table}; rows are records whose components carry {@code @JsonProperty} names. With {@code --markdown} the
 * table is printed as Markdown, headed by the command and the machine (nproc, CPU, load average at start, Java,
 * time) and followed by the load average at the end: ready to paste into docs/performance.md.
 *
 * <p>{@link #measure} can be called with default options (an empty command line) so that a combined
 * {@code bench all} can merge every benchmark's rows into one JSON object under their {@link #name()} keys.
 *
 * @param <R> the row type
 */
public abstract class BenchCommand<R> implements Command {
    /** Adds this benchmark's own options (besides {@code --json}). */
    protected abstract void addOptions(Options options);

    /** Runs the measurements; progress may go to {@code io.err()}. */
    public abstract List<R> measure(CommandLine cl, Io io) throws Exception;

    /** The terminal table for the rows. */
    protected abstract Table table(List<R> rows);

    /**
     * What {@code --json} stores under {@link #name()}: the list of rows by default; a benchmark with a single
     * result row may return that row alone (an object instead of a one-element array).
     */
    protected Object json(List<R> rows) {
        return rows;
    }

    @Override
    public final Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("json").hasArg().argName("FILE")
                .desc("Also write the results as JSON to FILE (atomic write)").build());
        o.addOption(Option.builder().longOpt(MARKDOWN).desc("Print the table as Markdown, with the command, the "
                + "machine and the load average at start and end (for docs/performance.md)").build());
        addOptions(o);
        return o;
    }

    /** A measurement as {@code bench all} collects it: the JSON value and the table. */
    record Measured(Object json, Table table) {}

    /** Measures with {@code cl} (this benchmark's own options) and returns the JSON value and the table. */
    final Measured measureForAll(CommandLine cl, Io io) throws Exception {
        List<R> rows = measure(cl, io);
        return new Measured(json(rows), table(rows));
    }

    @Override
    public final int run(CommandLine cl, Io io) throws Exception {
        Path json = Args.outputFile(cl, "json"); // checked writable before the (long) measurement
        String machine = cl.hasOption(MARKDOWN) ? AllBench.Machine.describe() : null;
        List<R> rows = measure(cl, io);
        if (rows.isEmpty()) return 0; // a benchmark that skipped (bench torch without PyTorch) said why on stderr
        if (machine == null) {
            table(rows).print(io.out());
        } else {
            io.out().print("`" + commandLine(cl) + "`\n\n" + machine + "\n" + table(rows).markdown()
                    + "\nLoad average (1, 5, 15 min) at end: " + AllBench.Machine.loadAverage() + "\n");
        }
        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put(name(), json(rows));
            JsonFiles.writeAtomic(json, doc);
            io.err().println("wrote " + json);
        }
        return 0;
    }

    /** Prints the table as Markdown with the machine line ({@link #run}). */
    static final String MARKDOWN = "markdown";

    /** {@code cola bench X --opt value ...} as given, without {@code --json} and {@code --markdown}. */
    final String commandLine(CommandLine cl) {
        StringBuilder sb = new StringBuilder("cola bench ").append(name());
        for (Option o : cl.getOptions()) {
            if (o.getLongOpt() == null || o.getLongOpt().equals("json") || o.getLongOpt().equals(MARKDOWN)) continue;
            sb.append(" --").append(o.getLongOpt());
            if (o.getValue() != null) sb.append(' ').append(o.getValue());
        }
        return sb.toString();
    }
}
