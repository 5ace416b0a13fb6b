package cola4j.gl.app.cli;

import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.data.TextDataset.TaskType;
import cola4j.gl.app.train.AdapterBase;
import cola4j.gl.app.train.TrainConfig;
import cola4j.gl.app.workload.HfRun;
import cola4j.models.hf.HfLoader;
import cola4j.models.hf.HfModel;
import cola4j.gl.app.io.JsonFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;

/**
 * {@code cola train --model hf:DIR --data FILE --task-type cls|lm|seq2seq}: how such a run is recorded in its
 * {@link TrainConfig} and rebuilt from it (so that {@code --resume} needs nothing else). The config's {@code model}
 * is {@code hf:<absolute DIR>}, its {@code preset} {@value #PRESET}, its {@code task} {@code <type>:<absolute FILE>};
 * empty {@code sites} become PEFT's default target modules of the model type ({@link HfRun#DEFAULT_SITES}).
 *
 * @param config the run's config (sites filled in)
 * @param run    the loaded model, data and workload
 * @param base   what the exported adapters record: DIR, the PEFT task type, fan_in_fan_out for GPT-2's Conv1D
 */
record HfTraining(TrainConfig config, HfRun run, AdapterBase base) {
    static final String PRESET = "hf";

    /** {@code hf:<absolute DIR>} from {@code --model}, or the resumed config's. */
    static String model(String given, TrainConfig base) {
        if (given == null) return base.model();
        String dir = given.substring(HfLoader.PREFIX.length());
        if (dir.isBlank()) throw new UsageException("--model hf:DIR needs a directory");
        return HfLoader.PREFIX + Path.of(dir).toAbsolutePath().normalize();
    }

    /** {@code <type>:<absolute FILE>} from {@code --task-type} and {@code --data}, or the resumed config's. */
    static String task(CommandLine cl, TrainConfig base) {
        if (cl.hasOption("task")) throw new UsageException("--task does not apply to --model hf:DIR (use --data and"
                + " --task-type)");
        boolean data = cl.hasOption("data"), type = cl.hasOption("task-type");
        if (!data && !type && base != null) return base.task();
        if (!data || !type) throw new UsageException("--model hf:DIR needs --data FILE and --task-type cls|lm|seq2seq");
        TaskType t;
        try {
            t = TaskType.parse(cl.getOptionValue("task-type"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--task-type: " + e.getMessage());
        }
        return t.cliName() + ":" + Path.of(cl.getOptionValue("data")).toAbsolutePath().normalize();
    }

    /** Loads the model and data a config names and fills in the default sites. */
    static HfTraining load(TrainConfig c) throws IOException {
        Path dir = Path.of(c.model().substring(HfLoader.PREFIX.length()));
        int colon = c.task().indexOf(':');
        TaskType type = TaskType.parse(c.task().substring(0, colon));
        HfRun run = HfRun.load(dir, Path.of(c.task().substring(colon + 1)), type, c.dtype(), c.baseSeed(), c.seed());
        HfModel m = run.checkpoint().model();
        TrainConfig cfg = c;
        if (c.sites().isEmpty() && c.hasSiteAuxiliaries()) {
            cfg = c.withSites(HfRun.DEFAULT_SITES.get(m.config().modelType()));
        }
        String taskType = switch (m.task()) {
            case SEQUENCE_CLASSIFICATION -> "SEQ_CLS";
            case CAUSAL_LM -> "CAUSAL_LM";
            case SEQ2SEQ_LM -> "SEQ_2_SEQ_LM";
        };
        AdapterBase base = new AdapterBase(dir.toString(), taskType, !m.conv1dWeights().isEmpty());
        return new HfTraining(cfg, run, base);
    }

    /**
     * What {@link BaseIdentity} records as the base's config: the directory's {@code config.json} with
     * {@code family} set to the run's model ({@code hf:<DIR>}), the name the checkpoint audit compares.
     */
    JsonNode identityConfig() throws IOException {
        Path dir = Path.of(config.model().substring(HfLoader.PREFIX.length()));
        ObjectNode n = (ObjectNode) JsonFiles.MAPPER.readTree(dir.resolve("config.json").toFile());
        n.put("family", config.model());
        return n;
    }
}
