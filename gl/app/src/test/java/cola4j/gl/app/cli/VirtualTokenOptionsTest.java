package cola4j.gl.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cola4j.gl.app.train.TrainConfig;
import cola4j.gl.app.train.TrainMethod;
import java.nio.file.Path;
import org.apache.commons.cli.DefaultParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cola train --method prompt|prefix}: one-line usage errors (exit 2) before anything is pretrained, the
 * defaults, and the config read back from a checkpoint re-validated by the same rules ({@link TrainConfigRules}).
 */
class VirtualTokenOptionsTest {
    @TempDir
    Path tmp;

    @Test
    void badCombinationsAreUsageErrorsBeforeAnyWork() throws Exception {
        String[] run = {"train", "--task", "rotate", "--out", tmp.resolve("o").toString()};
        EarlyErrorsTest.usageError(tmp, "--method prompt applies to --model decoder and seq2seq",
                cat(run, "--model", "mlp", "--method", "prompt"));
        EarlyErrorsTest.usageError(tmp, "--method prefix applies to --model decoder and seq2seq",
                cat(run, "--model", "encoder", "--method", "prefix"));
        EarlyErrorsTest.usageError(tmp, "apply to --method prompt and prefix only (got lora)",
                cat(run, "--model", "decoder", "--method", "lora", "--num-virtual-tokens", "4"));
        EarlyErrorsTest.usageError(tmp, "--prefix-hidden applies to --method prefix only",
                cat(run, "--model", "decoder", "--method", "prompt", "--prefix-hidden", "4"));
        EarlyErrorsTest.usageError(tmp, "--num-virtual-tokens must be <= 1000",
                cat(run, "--model", "decoder", "--method", "prefix", "--num-virtual-tokens", "1001"));
        EarlyErrorsTest.usageError(tmp, "--prefix-hidden must be >= 0",
                cat(run, "--model", "decoder", "--method", "prefix", "--prefix-hidden", "-1"));
    }

    @Test
    void defaultsAndRevalidation() throws Exception {
        TrainConfig prefix = config("--model", "seq2seq", "--task", "rotate", "--method", "prefix");
        assertThat(prefix.virtualTokens()).isEqualTo(VirtualTokenOptions.DEFAULT_TOKENS);
        assertThat(prefix.prefixHidden()).isEqualTo(VirtualTokenOptions.DEFAULT_PREFIX_HIDDEN);
        TrainConfig prompt = config("--model", "decoder", "--task", "rotate", "--method", "prompt",
                "--num-virtual-tokens", "3");
        assertThat(prompt.method()).isEqualTo(TrainMethod.PROMPT);
        assertThat(prompt.virtualTokens()).isEqualTo(3);
        assertThat(prompt.prefixHidden()).isZero();
        for (TrainConfig c : new TrainConfig[] {prefix, prompt, prefix.withVirtualTokens(5, 0)}) {
            assertThat(TrainConfigRules.revalidate(c)).isEqualTo(c);
        }
    }

    static TrainConfig config(String... args) throws Exception {
        return TrainCommand.config(new DefaultParser().parse(new TrainCommand().options(), args), null);
    }

    static String[] cat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
