package cola4j.gl.app.cli;

import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.train.TrainConfig;
import cola4j.gl.app.train.TrainMethod;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola train}'s options of prompt and prefix tuning ({@code --method prompt|prefix}):
 * {@code --num-virtual-tokens N} (n, 1..{@value TrainConfig#MAX_VIRTUAL_TOKENS}, default {@value #DEFAULT_TOKENS})
 * and {@code --prefix-hidden H} (prefix only: the reparameterisation MLP's width, 0 = none, default
 * {@value #DEFAULT_PREFIX_HIDDEN}). Both are usage errors with another method, and the methods are usage errors
 * for a model without attention over token embeddings (mlp, encoder, hf:DIR), before anything loads.
 */
final class VirtualTokenOptions {
    private VirtualTokenOptions() {}

    /** Default n (PEFT's examples use 8 to 30; the tasks here are short). */
    static final int DEFAULT_TOKENS = 8;
    /** Default H: the small presets' d_model (PEFT's default encoder_hidden_size is token_dim). */
    static final int DEFAULT_PREFIX_HIDDEN = 64;
    /** The families whose models take virtual tokens. */
    static final List<String> FAMILIES = List.of("decoder", "seq2seq");

    /** The parsed values: n and H (both 0 for the other methods). */
    record Values(int tokens, int hidden) {}

    static void add(Options o) {
        o.addOption(Option.builder().longOpt("num-virtual-tokens").hasArg().argName("N").desc("prompt/prefix:"
                + " virtual tokens, 1-" + TrainConfig.MAX_VIRTUAL_TOKENS + " (default " + DEFAULT_TOKENS + ")")
                .build());
        o.addOption(Option.builder().longOpt("prefix-hidden").hasArg().argName("H").desc("prefix: width of the"
                + " reparameterisation MLP, 0 = none (default " + DEFAULT_PREFIX_HIDDEN + ")").build());
    }

    /** n and H from the options; absent ones take {@code base}'s (a resumed run of the same method) or defaults. */
    static Values read(CommandLine cl, String model, TrainMethod method, TrainConfig base) {
        boolean given = cl.hasOption("num-virtual-tokens") || cl.hasOption("prefix-hidden");
        if (!method.virtualTokens()) {
            if (given) {
                throw new UsageException("--num-virtual-tokens and --prefix-hidden apply to --method prompt and prefix"
                        + " only (got " + method + ")");
            }
            return new Values(0, 0);
        }
        if (!FAMILIES.contains(model)) {
            throw new UsageException("--method " + method + " applies to --model " + String.join(" and ", FAMILIES)
                    + " (virtual tokens need attention over token embeddings), not " + model);
        }
        if (method == TrainMethod.PROMPT && cl.hasOption("prefix-hidden")) {
            throw new UsageException("--prefix-hidden applies to --method prefix only");
        }
        boolean same = base != null && base.method() == method;
        int n = Args.intValue(cl, "num-virtual-tokens", same ? base.virtualTokens() : DEFAULT_TOKENS, 1,
                TrainConfig.MAX_VIRTUAL_TOKENS);
        int h = method != TrainMethod.PREFIX ? 0 : Args.intValue(cl, "prefix-hidden",
                same ? base.prefixHidden() : DEFAULT_PREFIX_HIDDEN, 0, TrainConfig.MAX_PREFIX_HIDDEN);
        return new Values(n, h);
    }

    /** The options that give {@code c}'s n and H ({@link TrainConfigRules#argv}); none for the other methods. */
    static List<String> argv(TrainConfig c) {
        if (!c.method().virtualTokens()) return List.of();
        if (c.method() == TrainMethod.PROMPT) {
            return List.of("--num-virtual-tokens", Integer.toString(c.virtualTokens()));
        }
        return List.of("--num-virtual-tokens", Integer.toString(c.virtualTokens()),
                "--prefix-hidden", Integer.toString(c.prefixHidden()));
    }
}
