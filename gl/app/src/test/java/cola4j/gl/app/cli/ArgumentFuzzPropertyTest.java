package cola4j.gl.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.command.Command;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;
import org.apache.commons.cli.Option;

/**
 * Random argument vectors for every leaf command of {@code cola}, run in-process through {@link Main#run}: the exit
 * code is 0, 1 or 2; stderr holds at most one line besides Main's fixed hints ({@code Run '… --help' for usage.},
 * {@code (set COLA_DEBUG=1 …)}); never a stack trace.
 *
 * <p>Vectors: the command's real option names (and prefixes of them, unknown options, stray words, {@code --}) with
 * values drawn from numbers at and beyond every bound, non-numbers, empty and non-ASCII strings. Path options only
 * get paths inside a temporary directory (an existing file, an existing directory, a fresh name), so nothing is
 * written elsewhere. No long workload runs: each vector ends with {@code --json DIR} (a directory, refused before any
 * work; {@code demo}: {@code --out FILE}), so a vector that passes every other check still fails fast, and any vector
 * that exits 0 must have asked for {@code --help} (or be {@code explain}, which takes milliseconds).
 */
class ArgumentFuzzPropertyTest {
    static final Path TMP;
    static final Path DIR, FILE;

    static {
        try {
            TMP = Files.createTempDirectory("cola-fuzz");
            DIR = Files.createDirectories(TMP.resolve("dir"));
            FILE = Files.writeString(TMP.resolve("file"), "x");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        try (Stream<Path> s = Files.walk(TMP)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** Options whose value is a path. */
    static final Set<String> PATHS = Set.of("json", "out", "cache", "trace", "tokens", "md", "png", "token-file",
            "tls-ca", "tls-cert", "tls-key", "resume");

    /** Every leaf command as its path of names, with the command itself. */
    record Leaf(List<String> path, Command command) {}

    static List<Leaf> leaves() {
        List<Leaf> out = new ArrayList<>();
        for (Command c : Commands.all()) {
            if (c.subcommands().isEmpty()) out.add(new Leaf(List.of(c.name()), c));
            for (Command s : c.subcommands()) out.add(new Leaf(List.of(c.name(), s.name()), s));
        }
        return out;
    }

    @Provide
    Arbitrary<List<String>> vectors() {
        return Arbitraries.of(leaves()).flatMap(leaf -> {
            List<String> names = leaf.command().options().getOptions().stream().map(Option::getLongOpt)
                    .filter(n -> n != null && !n.equals("json") && !n.equals("out")).toList();
            Arbitrary<List<String>> pairs = option(names).list().ofMaxSize(6)
                    .map(l -> l.stream().flatMap(List::stream).toList());
            return pairs.map(body -> {
                List<String> v = new ArrayList<>(leaf.path());
                v.addAll(body);
                String name = leaf.path().get(leaf.path().size() - 1);
                if (name.equals("demo")) v.addAll(List.of("--out", FILE.toString()));
                else if (!name.equals("explain")) v.addAll(List.of("--json", DIR.toString()));
                return v;
            });
        });
    }

    /** One option occurrence: a real option with a value, a flag, a prefix, an unknown option or a stray token. */
    static Arbitrary<List<String>> option(List<String> names) {
        Arbitrary<String> name = names.isEmpty() ? Arbitraries.just("help") : Arbitraries.of(names);
        Arbitrary<List<String>> withValue = Combinators.combine(name, values(), paths())
                .as((n, v, p) -> List.of("--" + n, PATHS.contains(n) ? p : v));
        Arbitrary<List<String>> flag = name.map(n -> List.of("--" + n));
        Arbitrary<List<String>> prefix = name.filter(n -> n.length() > 2)
                .map(n -> List.of("--" + n.substring(0, n.length() - 1), "1"));
        Arbitrary<List<String>> odd = Arbitraries.of("--nope", "-x", "--", "stray", "-", "--=", "-h", "--help=1")
                .map(List::of);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, withValue), net.jqwik.api.Tuple.of(2, flag),
                net.jqwik.api.Tuple.of(1, prefix), net.jqwik.api.Tuple.of(1, odd));
    }

    static Arbitrary<String> values() {
        return Arbitraries.oneOf(
                Arbitraries.of("0", "1", "-1", "2", "8", "1024", "1025", "4096", "4097", "65536", "100000",
                        "1000001", "2147483647", "2147483648", "-2147483648", "99999999999999999999"),
                Arbitraries.of("NaN", "Infinity", "-0.0", "1e-3", "1e308", "3.5", "0x10", " 7 ", ""),
                Arbitraries.of("mlp", "decoder", "encoder", "seq2seq", "tiny", "small", "lora", "cola", "full",
                        "ia3", "float32", "float64", "bf16", "lowrank", "linear", "mlp~lowrank", "4~8", "1~0",
                        "sgd~adamw", "attn.query", "embed.token", "nosuch", "rotate", "127.0.0.1:1", "host:x",
                        "unmerged,merged", "merged-average", "a,b,,c", "ü€\uD83D\uDE00"),
                Arbitraries.strings().ofMaxLength(6));
    }

    static Arbitrary<String> paths() {
        return Arbitraries.of(DIR.toString(), FILE.toString(), TMP.resolve("fresh").resolve("x.json").toString(),
                FILE.resolve("under-a-file").toString());
    }

    @Property(tries = 300)
    void everyVectorEndsInOneLineAndADocumentedExitCode(@ForAll("vectors") List<String> args) {
        MainTest.Result r = MainTest.cola(args.toArray(String[]::new));
        String what = String.join(" ", args) + " -> " + r.code() + "\n" + r.err();
        assertThat(r.code()).as(what).isIn(0, 1, 2);
        assertThat(r.err()).as(what).doesNotContain("\tat ").doesNotContain("Exception in thread");
        List<String> lines = r.err().lines()
                .filter(l -> !(l.startsWith("Run '") && l.endsWith(" --help' for usage.")))
                .filter(l -> !l.equals("(set COLA_DEBUG=1 for the stack trace)")).toList();
        assertThat(lines.size()).as(what).isLessThanOrEqualTo(1);
        boolean help = args.stream().anyMatch(a -> a.equals("-h") || a.equals("--help"));
        if (r.code() == 0) assertThat(help || args.get(0).equals("explain")).as(what).isTrue();
        Statistics.collect(args.get(0), r.code());
    }
}
