package cola4j.gl.app.command;

import cola4j.gl.app.cli.Commands;
import cola4j.gl.app.cli.Main;
import cola4j.gl.app.io.Io;

import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * One subcommand of {@code cola}, e.g. {@code cola train}. To add one: write a class implementing this interface
 * and list an instance in {@link Commands#all()} (or, for a benchmark, in {@code cola4j.gl.app.bench.Benches#all()}).
 *
 * <p>{@link Main} does the rest: {@code --help} (added to every command's options), parsing, and turning
 * {@link UsageException}s into a one-line error plus usage hint with exit code 2.
 *
 * <p>A command with {@link #subcommands()} is a group (like {@code cola bench}): {@link Main} descends into it by
 * name and never calls its {@link #options()} or {@link #run}.
 */
public interface Command {
    /** The word typed after {@code cola}: lower case, no spaces, e.g. {@code "train"}. */
    String name();

    /** One line for the command list, e.g. {@code "Fine-tune adapters with Gradient Learning"}. */
    String description();

    /** The options this command accepts ({@code -h/--help} is added by {@link Main}). */
    Options options();

    /**
     * Runs the command on parsed options. Bad values should raise {@link UsageException} (parse them with
     * {@link Args}); output goes to {@code out}, diagnostics to {@code err}.
     *
     * @return the process exit code: 0 for success
     */
    int run(CommandLine cl, Io io) throws Exception;

    /** Positional arguments this command accepts, for the usage line (e.g. {@code "FILE..."}); empty if none. */
    default String positionals() {
        return "";
    }

    /** Child commands if this is a group; empty for a leaf. */
    default List<Command> subcommands() {
        return List.of();
    }
}
