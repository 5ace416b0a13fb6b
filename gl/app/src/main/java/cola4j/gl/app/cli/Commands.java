package cola4j.gl.app.cli;

import cola4j.gl.app.command.Command;
import cola4j.gl.app.command.CommandGroup;

import cola4j.gl.app.bench.Benches;
import java.util.List;

/**
 * The registry of {@code cola} subcommands, in the order {@code cola --help} lists them.
 * Adding a subcommand = one class implementing {@link Command} + one line here.
 */
public final class Commands {
    private Commands() {}

    /** All top-level subcommands. Names must be unique. */
    public static List<Command> all() {
        return List.of(
                new PretrainCommand(),
                new VerifyCommand(),
                new ExplainCommand(),
                new FtaasCommand(),
                new ServeCommand(),
                new UserCommand(),
                new DemoCommand(),
                new CopraCommand(),
                new TrainCommand(),
                new InspectCommand(),
                new StudyCommand(),
                new CompareCommand(),
                new ForwardCommand(),
                new DoctorCommand(),
                new CommandGroup("bench", "Measure engine, BLAS and autograd speed (prints a table; --json FILE)",
                        Benches.all()));
    }
}
