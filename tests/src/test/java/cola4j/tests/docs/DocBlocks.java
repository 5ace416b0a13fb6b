package cola4j.tests.docs;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The executable parts of a Markdown file, and the rule that checks a quoted output against a real one.
 *
 * <p>Markers (docs/tutorial.md, "How these pages are checked"):
 * <ul>
 *   <li>{@code ```bash runnable}: every line {@code ./cola ARGS [# comment]} is a command that
 *       {@code ExecutableDocsTest} runs in-process (blank lines and {@code #} lines are skipped; no quoting, no
 *       shell syntax);</li>
 *   <li>{@code ```text output tol=T}: an excerpt of the output (stdout, then stderr) of the last command of the
 *       runnable block before it. Each non-blank line must match one output line, in order; {@code …} stands for any
 *       text; every number must be within T of the real one ({@code tol=0}: the same digits, matched literally so
 *       that a "…" cannot shift a number onto another column). With T &gt; 0 the prose
 *       between the two blocks must state {@code ±T}; with T = 0 it must say {@code exact}.</li>
 * </ul>
 */
final class DocBlocks {
    private DocBlocks() {}

    /** A command (arguments after {@code ./cola}) and the output excerpts that follow its block. */
    record Command(String file, int line, List<String> args, List<Excerpt> excerpts) {}

    /** An output excerpt: its lines, tolerance and the line it starts on. */
    record Excerpt(int line, double tol, List<String> lines) {}

    private static final Pattern FENCE = Pattern.compile("^```(.*)$");
    private static final Pattern TOL = Pattern.compile("^text output tol=([0-9.eE+-]+)$");
    /** A number: optional sign (only after a non-word character), digits, optional fraction and exponent. */
    static final String NUM = "(?<![\\w.])-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?(?![\\w.])";

    /** Parses {@code text} (the contents of {@code file}); malformed markers throw with the file and line. */
    static List<Command> parse(String file, String text) {
        String[] lines = text.split("\n", -1);
        List<Command> out = new ArrayList<>();
        Command last = null;
        int lastEnd = -1;
        for (int i = 0; i < lines.length; i++) {
            Matcher f = FENCE.matcher(lines[i].stripTrailing()); // fences start at column 0: indented ones are code
            if (!f.matches() || f.group(1).isEmpty()) continue;
            String info = f.group(1).strip();
            int end = i + 1;
            while (end < lines.length && !lines[end].stripTrailing().equals("```")) end++;
            if (end == lines.length) throw new IllegalArgumentException(file + ":" + (i + 1) + ": unclosed fence");
            List<String> body = List.of(lines).subList(i + 1, end);
            if (info.equals("bash runnable")) {
                for (int k = 0; k < body.size(); k++) {
                    String l = body.get(k).strip();
                    if (l.isEmpty() || l.startsWith("#")) continue;
                    if (!l.startsWith("./cola ")) {
                        throw new IllegalArgumentException(file + ":" + (i + 2 + k) + ": not a ./cola command: " + l);
                    }
                    int hash = l.indexOf(" #");
                    String cmd = (hash < 0 ? l : l.substring(0, hash)).substring("./cola ".length()).strip();
                    last = new Command(file, i + 2 + k, List.of(cmd.split("\\s+")), new ArrayList<>());
                    out.add(last);
                }
                lastEnd = end;
            } else if (info.startsWith("text output")) {
                Matcher t = TOL.matcher(info);
                if (!t.matches()) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": want 'text output tol=T'");
                }
                if (last == null) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": no runnable block before");
                }
                double tol = Double.parseDouble(t.group(1));
                String prose = String.join("\n", List.of(lines).subList(lastEnd + 1, i));
                String need = tol > 0 ? "±" + t.group(1) : "exact";
                if (!prose.contains(need)) {
                    throw new IllegalArgumentException(file + ":" + (i + 1)
                            + ": the text before this excerpt must say '" + need + "' (its tolerance)");
                }
                last.excerpts().add(new Excerpt(i + 2, tol, body.stream().filter(l -> !l.isBlank()).toList()));
                lastEnd = end;
            }
            i = end;
        }
        return out;
    }

    /**
     * The regex of one excerpt line: literal text (runs of spaces flexible), numbers captured, … as any text.
     * With {@code exact} each number is captured only as its own digits, so that a "…" before it cannot hand its
     * group to another number of the line (in {@code a 1 … 144368 … 0 0} the lazy "…" would otherwise give
     * 144368's group to the first number after {@code 1}).
     */
    static Pattern linePattern(String excerptLine, boolean exact) {
        StringBuilder re = new StringBuilder();
        String s = excerptLine.strip();
        Matcher m = Pattern.compile(NUM + "|…|\\s+").matcher(s);
        int at = 0;
        while (m.find()) {
            if (m.start() > at) re.append(Pattern.quote(s.substring(at, m.start())));
            String g = m.group();
            String num = exact ? "(?<![\\w.])" + Pattern.quote(g) + "(?![\\w.])" : NUM;
            re.append(g.equals("…") ? ".*?" : g.isBlank() ? "\\s+" : "(" + num + ")");
            at = m.end();
        }
        if (at < s.length()) re.append(Pattern.quote(s.substring(at)));
        return Pattern.compile(re.toString());
    }

    /** The numbers of an excerpt line, in order. */
    static List<String> numbers(String excerptLine) {
        List<String> n = new ArrayList<>();
        String s = excerptLine.strip();
        Matcher m = Pattern.compile(NUM + "|…").matcher(s);
        while (m.find()) if (!m.group().equals("…")) n.add(m.group());
        return n;
    }

    /**
     * Checks an excerpt against the output lines; returns the problems (empty: it holds). Excerpt lines match output
     * lines in order (a later excerpt line never matches an earlier output line).
     */
    static List<String> check(Excerpt e, List<String> output) {
        List<String> problems = new ArrayList<>();
        int from = 0;
        for (String want : e.lines()) {
            Pattern p = linePattern(want, false), exact = linePattern(want, e.tol() == 0);
            List<String> quoted = numbers(want);
            String closest = null;
            int found = -1;
            for (int k = from; k < output.size() && found < 0; k++) {
                Matcher m = exact.matcher(output.get(k).strip());
                if (!m.matches()) {
                    if (p.matcher(output.get(k).strip()).matches()) closest = output.get(k).strip();
                    continue;
                }
                closest = output.get(k).strip();
                boolean ok = true;
                for (int g = 0; g < quoted.size(); g++) ok &= close(quoted.get(g), m.group(g + 1), e.tol());
                if (ok) found = k;
            }
            if (found < 0) {
                problems.add("line " + e.line() + "+: '" + want.strip() + "' (tol " + e.tol() + ") "
                        + (closest == null ? "matches no output line" : "differs from '" + closest + "'"));
            } else {
                from = found + 1;
            }
        }
        return problems;
    }

    /**
     * The excerpt with the {@code n}-th number of line {@code k} moved just beyond the tolerance: for T = 0 its last
     * digit changed, for T &gt; 0 the value plus 3·T (so it is more than T from every output within T of the quoted
     * one). The negative control of {@link #check}: a doctored excerpt must not hold.
     */
    static Excerpt doctor(Excerpt e, int k, int n) {
        String line = e.lines().get(k);
        Matcher m = Pattern.compile(NUM + "|…").matcher(line);
        int seen = -1;
        while (m.find()) {
            if (m.group().equals("…") || ++seen < n) continue;
            String q = m.group(), moved;
            if (e.tol() == 0) {
                char last = q.charAt(q.length() - 1);
                moved = q.substring(0, q.length() - 1) + (char) ('0' + (last - '0' + 1) % 10);
            } else {
                BigDecimal step = BigDecimal.valueOf(e.tol()).multiply(BigDecimal.valueOf(3));
                moved = new BigDecimal(q).add(step).toPlainString();
            }
            List<String> lines = new ArrayList<>(e.lines());
            lines.set(k, line.substring(0, m.start()) + moved + line.substring(m.end()));
            return new Excerpt(e.line(), e.tol(), lines);
        }
        throw new IllegalArgumentException("line " + k + " has no number " + n + ": " + line);
    }

    /** Most {@code --steps} a documented runnable command may take: the documentation test stays short. */
    static final int MAX_STEPS = 100;
    /** Subcommands that run for minutes whatever their options: never in a runnable block. */
    static final List<String> TOO_LONG = List.of("demo", "study");

    /**
     * The runtime bound of the runnable commands, checked before anything runs (no clock): none of {@link #TOO_LONG},
     * every {@code --steps} and {@code --pretrain-steps} at most {@link #MAX_STEPS} or the model's default, no
     * {@code bench} but {@code bench serve}, no transformer at the {@code small} preset (its pretraining alone takes
     * minutes). Returns the offending commands, each with its file and line.
     */
    static List<String> overBudget(List<Command> commands) {
        List<String> problems = new ArrayList<>();
        for (Command c : commands) {
            List<String> a = c.args();
            String why = null;
            if (TOO_LONG.contains(a.get(0))) why = a.get(0) + " runs for minutes";
            if (a.get(0).equals("bench") && (a.size() < 2 || !a.get(1).equals("serve"))) why = "only bench serve";
            for (int i = 0; i + 1 < a.size(); i++) {
                if (a.get(i).equals("--steps") && !(a.get(i + 1).matches("\\d+")
                        && Integer.parseInt(a.get(i + 1)) <= MAX_STEPS)) {
                    why = "--steps " + a.get(i + 1) + " above " + MAX_STEPS;
                }
                if (a.get(i).equals("--pretrain-steps")) why = "--pretrain-steps (use the cached default)";
                if (a.get(i).equals("--preset") && !a.get(i + 1).equals("tiny")) why = "a transformer above tiny";
            }
            boolean transformer = a.contains("decoder") || a.contains("encoder") || a.contains("seq2seq");
            if (transformer && !a.contains("tiny") && !a.get(0).equals("verify") && !a.get(0).equals("explain")) {
                why = "a transformer without --preset tiny";
            }
            if (why != null) problems.add(c.file() + ":" + c.line() + ": " + String.join(" ", a) + ": " + why);
        }
        return problems;
    }

    private static boolean close(String quoted, String actual, double tol) {
        if (tol == 0) return quoted.equals(actual);
        return Math.abs(Double.parseDouble(quoted) - Double.parseDouble(actual)) <= tol * (1 + 1e-9);
    }
}
