package cola4j.gl.app.cli;

import cola4j.gl.app.command.Command;
import cola4j.gl.app.io.Io;
import cola4j.tensor.Backend;
import cola4j.tensor.BackendInfo;
import cola4j.tensor.Tensor;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola doctor}: what the engine runs on ({@link BackendInfo}: active tensor backend, ND4J backend class and
 * device, BLAS vendors, thread counts), then a one-line self-check that a small product on the active backend
 * gives the known result. Exit 1 if it does not.
 */
public final class DoctorCommand implements Command {
    @Override
    public String name() {
        return "doctor";
    }

    @Override
    public String description() {
        return "Print the tensor backend, ND4J backend class and device, BLAS and threads; run a self-check";
    }

    @Override
    public Options options() {
        return new Options().addOption(Option.builder().longOpt("no-self-check")
                .desc("Only print the information; skip the check product").build());
    }

    @Override
    public int run(CommandLine cl, Io io) {
        Map<String, String> info = BackendInfo.describe();
        int w = info.keySet().stream().mapToInt(String::length).max().orElse(0);
        info.forEach((k, v) -> io.out().printf("%-" + w + "s  %s%n", k, v));
        if (cl.hasOption("no-self-check")) return Main.OK;
        Tensor a = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new double[] {7, 8, 9, 10, 11, 12}, 3, 2);
        double[] c = a.matmul(b).add(1.0).toDoubleArray();
        boolean ok = c[0] == 59 && c[1] == 65 && c[2] == 140 && c[3] == 155;
        io.out().printf("%-" + w + "s  %s%n", "self-check", (ok ? "ok" : "FAILED") + ": [2,3]x[3,2] + 1 on "
                + a.backend().label() + " = " + java.util.Arrays.toString(c));
        if (!ok || a.backend() != Backend.current()) {
            io.err().println("cola doctor: the " + Backend.current().label() + " backend gave a wrong result");
            return Main.FAILED;
        }
        return Main.OK;
    }
}
