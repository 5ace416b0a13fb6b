package cola4j.gl.app.experiments;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The commit a measurement was taken at, for the headers of generated documents: {@code git rev-parse --short HEAD}
 * in the working directory, with {@code -dirty} when {@code git status --porcelain --untracked-files=no} lists a
 * change; {@code unknown} when git is missing, fails or takes more than 10 s.
 */
public final class GitCommit {
    private GitCommit() {}

    /** E.g. {@code c75b4f2} or {@code c75b4f2-dirty}. */
    public static String describe() {
        String head = git("rev-parse", "--short", "HEAD");
        if (head == null || head.isBlank()) return "unknown";
        String status = git("status", "--porcelain", "--untracked-files=no");
        return head.strip() + (status != null && !status.isBlank() ? "-dirty" : "");
    }

    private static String git(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "git";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
