package cola4j.gl.app.cli;

import cola4j.gl.app.command.Command;
import cola4j.gl.app.io.Io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.Option;
import org.junit.jupiter.api.Test;

/** Dispatch, help and usage errors of {@link Main}: exit codes and what lands on stdout / stderr. */
class MainTest {
    /** Exit code plus captured streams of one {@code cola ...} call. */
    record Result(int code, String out, String err) {}

    static Result cola(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new Io(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryRegisteredCommand() {
        Result r = cola("--help");
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        for (Command c : Commands.all()) assertThat(r.out()).contains(c.name()).contains(c.description());
        assertThat(r.out()).contains("bench");
    }

    @Test
    void noArgumentsPrintsUsageOnStderrWithCode2() {
        Result r = cola();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("usage: cola <command>");
    }

    @Test
    void benchGroupHelpListsItsBenchmarks() {
        Result r = cola("bench", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("usage: cola bench <command>").contains("gemm").contains("ops");
    }

    @Test
    void leafHelpPrintsItsOptions() {
        Result r = cola("bench", "gemm", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("cola bench gemm").contains("--sizes").contains("--reps").contains("--json")
                .contains("--help");
    }

    @Test
    void unknownCommandIsAUsageError() {
        Result r = cola("frobnicate");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("cola: unknown command 'frobnicate'; commands: ")
                .contains("bench").contains("verify")
                .contains("Run 'cola --help' for usage.")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.err().lines().count()).isEqualTo(2);
    }

    @Test
    void unknownSubcommandOfAGroupIsAUsageError() {
        Result r = cola("bench", "nope");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("cola bench: unknown command 'nope'; commands: gemm, ops");
    }

    @Test
    void optionBeforeCommandIsAUsageError() {
        Result r = cola("--frob");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("cola: unknown option '--frob'");
    }

    @Test
    void badOptionsAndValuesAreOneLineUsageErrors() {
        String[][] cases = {
                {"bench", "gemm", "--frob"},
                {"bench", "gemm", "--reps"},
                {"bench", "gemm", "--reps", "x"},
                {"bench", "gemm", "--reps", "0"},
                {"bench", "gemm", "--sizes", "256,,512"},
                {"bench", "gemm", "stray"},
                {"bench", "ops", "--warmup", "-3"},
                {"bench", "ops", "--numel", "4096"},
                {"bench", "ops", "--sweep", "--numel", "0"},
        };
        String[] expected = {
                "Unrecognized option: --frob",
                "Missing argument for option: reps",
                "--reps: 'x' is not an integer",
                "--reps must be >= 1, got 0",
                "--sizes: '' is not an integer",
                "unexpected argument 'stray'",
                "--warmup must be >= 0, got -3",
                "--numel needs --sweep",
                "--numel: every value must be >= 1, got 0",
        };
        for (int i = 0; i < cases.length; i++) {
            Result r = cola(cases[i]);
            assertThat(r.code()).as(String.join(" ", cases[i])).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            String[] lines = r.err().split("\n");
            assertThat(lines).hasSize(2);
            assertThat(lines[0]).startsWith("cola bench " + cases[i][1] + ": ").contains(expected[i]);
            assertThat(lines[1]).isEqualTo("Run 'cola bench " + cases[i][1] + " --help' for usage.");
        }
    }

    /** Every leaf command under {@code path}, with its full path ("cola bench gemm"). */
    static void leaves(String path, List<Command> commands, Map<String, Command> into) {
        for (Command c : commands) {
            if (c.subcommands().isEmpty()) into.put(path + " " + c.name(), c);
            else leaves(path + " " + c.name(), c.subcommands(), into);
        }
    }

    @Test
    void aRepeatedOptionIsAUsageErrorForEverySubcommand() {
        Map<String, Command> all = new LinkedHashMap<>();
        leaves("cola", Commands.all(), all);
        assertThat(all).containsKeys("cola train", "cola verify", "cola explain", "cola bench gemm");
        all.forEach((path, c) -> {
            Option o = c.options().getOptions().iterator().next();
            String flag = "--" + o.getLongOpt();
            List<String> args = new ArrayList<>(Arrays.asList(path.substring("cola ".length()).split(" ")));
            for (int k = 0; k < 2; k++) {
                args.add(flag);
                if (o.hasArg()) args.add("1");
            }
            Result r = cola(args.toArray(String[]::new));
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.err().split("\n")).containsExactly(path + ": option " + flag + " given more than once",
                    "Run '" + path + " --help' for usage.");
        });
    }

    @Test
    void repeatedStepsIsRejectedNotSilentlyTheFirst() {
        Result r = cola("train", "--model", "mlp", "--task", "rotate", "--method", "cola", "--steps", "4", "--steps",
                "8");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("cola train: option --steps given more than once\n");
        // a flag (no value) given twice too
        assertThat(cola("train", "--quiet", "--quiet").err())
                .startsWith("cola train: option --quiet given more than once");
    }
}
