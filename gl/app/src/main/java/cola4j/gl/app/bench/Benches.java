package cola4j.gl.app.bench;

import cola4j.gl.app.command.Command;
import java.util.List;

/**
 * The registry of {@code cola bench} subcommands, in the order {@code cola bench --help} lists them.
 * Adding a benchmark = one {@link BenchCommand} subclass + one line here.
 */
public final class Benches {
    private Benches() {}

    public static List<Command> all() {
        return List.of(new GemmBench(), new OpsBench(), new StepBench(), new SameDiffBench(), new MemoryBench(),
                new CommBench(), new ServeBench(), new TorchBench(), new AllBench());
    }
}
