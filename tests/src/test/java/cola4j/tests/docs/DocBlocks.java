package cola4j.tests.docs;

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
 *       text; every number must be within T of the real one ({@code tol=0}: the same digits). With T &gt; 0 the prose
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

    /** The regex of one excerpt line: literal text (runs of spaces flexible), numbers captured, … as any text. */
    static Pattern linePattern(String excerptLine) {
        StringBuilder re = new StringBuilder();
        String s = excerptLine.strip();
        Matcher m = Pattern.compile(NUM + "|…|\\s+").matcher(s);
        int at = 0;
        while (m.find()) {
            if (m.start() > at) re.append(Pattern.quote(s.substring(at, m.start())));
            String g = m.group();
            re.append(g.equals("…") ? ".*?" : g.isBlank() ? "\\s+" : "(" + NUM + ")");
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
            Pattern p = linePattern(want);
            List<String> quoted = numbers(want);
            String closest = null;
            int found = -1;
            for (int k = from; k < output.size() && found < 0; k++) {
                Matcher m = p.matcher(output.get(k).strip());
                if (!m.matches()) continue;
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

    private static boolean close(String quoted, String actual, double tol) {
        if (tol == 0) return quoted.equals(actual);
        return Math.abs(Double.parseDouble(quoted) - Double.parseDouble(actual)) <= tol * (1 + 1e-9);
    }
}
