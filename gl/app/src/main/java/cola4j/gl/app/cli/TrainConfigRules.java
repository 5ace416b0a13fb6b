package cola4j.gl.app.cli;

import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.train.TrainConfig;
import cola4j.models.hf.HfLoader;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.ParseException;

/**
 * The rules of {@code cola train}'s options applied to a config that was not typed: one read from a checkpoint
 * ({@code --resume}, {@code cola inspect}). The same code as the command line, not a copy: the config is written back
 * as the options that would give it and parsed by {@link TrainCommand}. Tested by CheckpointCorruptionTest.
 */
public final class TrainConfigRules {
    private TrainConfigRules() {}

    /**
     * Re-validates a config read from disk with exactly the command-line rules: writes it back as the options that
     * would give it ({@link #argv}), parses them with {@code cola train}'s options and {@link TrainCommand#config},
     * checks the task, and requires the result to equal {@code saved} (a value no option can express, e.g. a seed
     * above 2^31-1, is refused too).
     *
     * @throws UsageException naming the rule that fails
     */
    public static TrainConfig revalidate(TrainConfig saved) {
        CommandLine cl;
        try {
            cl = new DefaultParser().parse(new TrainCommand().options(), argv(saved).toArray(String[]::new));
        } catch (ParseException e) {
            throw new UsageException(e.getMessage());
        }
        TrainConfig again = TrainCommand.config(cl, null);
        if (!again.model().startsWith(HfLoader.PREFIX)) TrainCommand.requireTask(again);
        if (!again.equals(saved)) {
            TrainCommand.differ(saved, again, "the options that give this config give another one");
        }
        return again;
    }

    /** The options that give {@code c} ({@link #revalidate}). */
    static List<String> argv(TrainConfig c) {
        boolean hf = c.model().startsWith(HfLoader.PREFIX);
        int colon = c.task().indexOf(':');
        List<String> a = new ArrayList<>(hf && colon > 0
                ? List.of("--model", c.model(), "--task-type", c.task().substring(0, colon),
                        "--data", c.task().substring(colon + 1))
                : List.of("--model", c.model(), "--task", c.task(), "--preset", c.preset()));
        a.addAll(List.of("--method", c.method().cliName(), "--dtype", c.dtype().cliName,
                "--base-seed", Long.toString(c.baseSeed()), "--aux", c.aux().cliName(),
                "--rank", Integer.toString(c.rank()), "--alpha", Double.toString(c.alpha()),
                "--interval", Integer.toString(c.interval()), "--optimizer", c.optimizer().cliName(),
                "--lr", Double.toString(c.lr()), "--schedule", c.schedule().cliName(),
                "--warmup", Integer.toString(c.warmup()), "--clip", Double.toString(c.clip()),
                "--steps", Integer.toString(c.steps()), "--batch", Integer.toString(c.batch()),
                "--seed", Long.toString(c.seed()), "--eval-every", Integer.toString(c.evalEvery()),
                "--eval-examples", Integer.toString(c.evalExamples()),
                "--fit-epochs", Integer.toString(c.fitEpochs()), "--fit-batch", Integer.toString(c.fitBatch()),
                "--staleness", Integer.toString(c.staleness()), "--lora-variant", c.loraVariant().cliName()));
        a.addAll(VirtualTokenOptions.argv(c));
        if (c.merged()) a.add("--merged");
        a.addAll(AdaLoraOptions.argv(c.adalora()));
        if (!c.sites().isEmpty()) a.addAll(List.of("--sites", String.join(",", c.sites())));
        return a;
    }
}
