package cola4j.gl.app.bench;

import cola4j.gl.app.command.UsageException;
import cola4j.tensor.Backend;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;

/**
 * The {@code --backend B,B,...} option of the benchmarks that compare the tensor backends in one run ({@code bench
 * step}, {@code ops}, {@code gemm}): each listed {@link Backend} is measured in turn, with {@link Backend#with}, and
 * every row names its backend (JSON {@code "backend": "heap"|"nd4j"}, the first field). A bench that declares this
 * option handles {@code --backend} itself; the CLI's process-wide {@code --backend} does not apply to it.
 */
final class BackendList {
    private BackendList() {}

    static final String OPTION = "backend";

    /** The option, for {@link BenchCommand#addOptions}. */
    static Option option() {
        return Option.builder().longOpt(OPTION).hasArg().argName("B,B,...")
                .desc("Tensor backends to time, each in turn: heap, nd4j or heap,nd4j (default: the process's, "
                        + "COLA_BACKEND or heap)").build();
    }

    /**
     * {@code --backend heap,nd4j} as backends in the given order, each once; without the option, the process's
     * backend ({@link Backend#current}).
     *
     * @throws UsageException on an empty list or entry, an unknown backend or one given twice
     */
    static List<Backend> parse(CommandLine cl) {
        if (!cl.hasOption(OPTION)) return List.of(Backend.current());
        String v = cl.getOptionValue(OPTION);
        if (v.isBlank()) throw new UsageException("--backend: empty list; expected heap, nd4j or heap,nd4j");
        List<Backend> out = new ArrayList<>();
        for (String s : v.split(",", -1)) {
            if (s.isBlank()) throw new UsageException("--backend: empty entry in '" + v + "'; expected heap, nd4j "
                    + "or heap,nd4j");
            Backend b;
            try {
                b = Backend.parse(s);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--backend: " + e.getMessage());
            }
            if (out.contains(b)) throw new UsageException("--backend: " + b.label() + " given twice");
            out.add(b);
        }
        return out;
    }
}
