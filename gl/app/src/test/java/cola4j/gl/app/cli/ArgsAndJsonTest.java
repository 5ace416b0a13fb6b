package cola4j.gl.app.cli;

import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.app.io.Table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArgsAndJsonTest {
    static CommandLine parse(String... args) throws Exception {
        Options o = new Options();
        for (String name : List.of("n", "xs", "f", "mode", "out")) {
            o.addOption(Option.builder().longOpt(name).hasArg().build());
        }
        return new DefaultParser().parse(o, args);
    }

    @Test
    void typedValuesAndDefaults() throws Exception {
        CommandLine cl = parse("--n", "12", "--xs", "3, 4,5", "--f", "1e-3", "--mode", "b", "--out", "a/b.json");
        assertThat(Args.intValue(cl, "n", 0, 1, 12)).isEqualTo(12);
        assertThat(Args.intList(cl, "xs", new int[0], 1, 5)).containsExactly(3, 4, 5);
        assertThat(Args.doubleValue(cl, "f", 0)).isEqualTo(1e-3);
        assertThat(Args.choice(cl, "mode", "a", List.of("a", "b"))).isEqualTo("b");
        assertThat(Args.path(cl, "out")).isEqualTo(Path.of("a/b.json"));
        CommandLine empty = parse();
        assertThat(Args.intValue(empty, "n", 7, 1, 100)).isEqualTo(7);
        assertThat(Args.intList(empty, "xs", new int[] {1, 2}, 1, 100)).containsExactly(1, 2);
        assertThat(Args.path(empty, "out")).isNull();
    }

    @Test
    void badValuesNameTheOption() throws Exception {
        assertThatThrownBy(() -> Args.doubleValue(parse("--f", "NaN"), "f", 0)).isInstanceOf(UsageException.class)
                .hasMessage("--f: 'NaN' is not a finite number");
        assertThatThrownBy(() -> Args.choice(parse("--mode", "c"), "mode", "a", List.of("a", "b")))
                .hasMessage("--mode: 'c' is not one of a, b");
        assertThatThrownBy(() -> Args.intList(parse("--xs", "4,0"), "xs", new int[0], 1, 9))
                .hasMessage("--xs: every value must be >= 1, got 0 in '4,0'");
        // upper bounds: the bound itself is accepted, one above it is a usage error naming the option
        assertThatThrownBy(() -> Args.intValue(parse("--n", "13"), "n", 0, 1, 12)).isInstanceOf(UsageException.class)
                .hasMessage("--n must be <= 12, got 13");
        assertThatThrownBy(() -> Args.intList(parse("--xs", "4,10"), "xs", new int[0], 1, 9))
                .hasMessage("--xs: every value must be <= 9, got 10 in '4,10'");
        assertThatThrownBy(() -> Args.intValue(parse("--n", "2147483648"), "n", 0, 1, 12))
                .hasMessage("--n: '2147483648' is not an integer");
    }

    @Test
    void atomicWriteCreatesDirectoriesReplacesAndLeavesNoTempFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("sub/res.json");
        JsonFiles.writeAtomic(f, Map.of("a", 1));
        JsonFiles.writeAtomic(f, Map.of("a", 2));
        JsonNode n = JsonFiles.MAPPER.readTree(f.toFile());
        assertThat(n.get("a").asInt()).isEqualTo(2);
        PlainModes.assertPlain(f); // 0644 under umask 022, not createTempFile's 0600
        try (var s = Files.list(f.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("res.json");
        }
    }

    @Test
    void tableAlignsColumnsAndRejectsRaggedRows() {
        var buf = new java.io.ByteArrayOutputStream();
        new Table("n", "value").row("1", "10.5").row("1024", "3").print(new java.io.PrintStream(buf, true));
        assertThat(buf.toString().split("\n"))
                .containsExactly("   n  value", "----  -----", "   1   10.5", "1024      3");
        assertThatThrownBy(() -> new Table("a", "b").row("x")).isInstanceOf(IllegalArgumentException.class);
    }
}
