package cola4j.gl.app.command;

import cola4j.gl.app.cli.Main;
import cola4j.gl.app.io.Io;

import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * A command that only groups other commands, e.g. {@code cola bench} over {@code gemm}, {@code ops}, ...
 * {@link Main} dispatches to the child named by the next word.
 */
public final class CommandGroup implements Command {
    private final String name;
    private final String description;
    private final List<Command> children;

    public CommandGroup(String name, String description, List<Command> children) {
        if (children.isEmpty()) throw new IllegalArgumentException("CommandGroup '" + name + "': no subcommands");
        this.name = name;
        this.description = description;
        this.children = List.copyOf(children);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public int run(CommandLine cl, Io io) {
        throw new IllegalStateException("CommandGroup '" + name + "' is dispatched by Main, not run");
    }

    @Override
    public List<Command> subcommands() {
        return children;
    }
}
