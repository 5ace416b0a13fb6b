package cola4j.gl.app.cli;

import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.data.TextDataset.TaskType;
import cola4j.gl.app.ftaas.HfTenants;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.workload.HfRun;
import cola4j.gl.app.workload.HfWorkload;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.models.hf.HfCheckpoint;
import cola4j.models.hf.HfLoader;
import cola4j.models.site.SiteSelector;
import cola4j.tensor.DType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code cola ftaas --model hf:DIR --data U0.jsonl,U1.jsonl,... --task-type cls|lm|seq2seq}: a Hugging Face model
 * served to users who each bring a data file ({@link HfTenants}; user k trains on file k mod n, and {@code --users}
 * defaults to the number of files). Every file is split with the session seed (10% held out) and tokenized with
 * {@code DIR/tokenizer.json}; the base is loaded in float32. Default sites: PEFT's LoRA target modules of the
 * model_type ({@link HfRun#DEFAULT_SITES}). In-process transport only: {@code --transport grpc} is a usage error (the
 * remote users' processes would need the files and tokenizer; not built), as are {@code --preset},
 * {@code --pretrain-steps} (the base comes pretrained) and {@code --aux embedding}.
 */
final class FtaasHf {
    private FtaasHf() {}

    static void addOptions(Options o) {
        o.addOption(FtaasCommand.opt("data", "F1,F2,...", "hf:DIR models: one .jsonl/.csv data file per user"
                + " (user k gets file k mod n; --users defaults to n)"));
        o.addOption(FtaasCommand.opt("task-type", "T", "hf:DIR models: cls, lm or seq2seq (every file)"));
    }

    /** Whether {@code --model} names a Hugging Face directory. */
    static boolean isHf(CommandLine cl) {
        return cl.getOptionValue("model", "").startsWith(HfLoader.PREFIX);
    }

    /** The usage rules of the class comment; the data files (each must exist). */
    static List<Path> validate(CommandLine cl, boolean hf) {
        if (!hf) {
            if (cl.hasOption("data") || cl.hasOption("task-type")) {
                throw new UsageException("--data and --task-type apply to --model hf:DIR only");
            }
            return List.of();
        }
        if (!cl.hasOption("data") || !cl.hasOption("task-type")) {
            throw new UsageException("--model hf:DIR needs --data F1,F2,... (one file per user) and --task-type"
                    + " cls|lm|seq2seq");
        }
        for (String o : List.of("preset", "pretrain-steps")) {
            if (cl.hasOption(o)) throw new UsageException("--" + o + " does not apply to --model hf:DIR");
        }
        if (cl.getOptionValue("transport", "inprocess").equals("grpc")) {
            throw new UsageException("--model hf:DIR runs with --transport inprocess only (gRPC users of a data file"
                    + " are not built)");
        }
        List<Path> files = new ArrayList<>();
        for (String s : cl.getOptionValue("data").split(",")) {
            if (s.isBlank()) throw new UsageException("--data: an empty file name in '" + cl.getOptionValue("data")
                    + "'");
            Path p = Path.of(s.trim());
            if (!Files.isRegularFile(p)) throw new UsageException("--data: no such file " + p);
            files.add(p);
        }
        taskType(cl);
        return List.copyOf(files);
    }

    static TaskType taskType(CommandLine cl) {
        try {
            return TaskType.parse(cl.getOptionValue("task-type"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--task-type: " + e.getMessage());
        }
    }

    static Path dir(String model) {
        return Path.of(model.substring(HfLoader.PREFIX.length()));
    }

    /** {@code --sites} as given, else PEFT's defaults for the directory's model_type. */
    static List<String> sites(CommandLine cl, String model) throws IOException {
        if (cl.hasOption("sites")) {
            return Arrays.stream(cl.getOptionValue("sites").split(",")).map(String::trim).toList();
        }
        Path cfg = dir(model).resolve(HfLoader.CONFIG_FILE);
        if (!Files.isRegularFile(cfg)) throw new IOException(dir(model) + ": no " + HfLoader.CONFIG_FILE);
        JsonNode t = new ObjectMapper().readTree(cfg.toFile()).get("model_type");
        List<String> d = t == null ? null : HfRun.DEFAULT_SITES.get(t.asText());
        if (d == null) throw new IllegalArgumentException(cfg + ": unsupported model_type " + t);
        return d;
    }

    /** The users' workload: the checkpoint loaded once, one {@link HfRun} per file over its model. */
    static HfTenants workload(String model, List<Path> files, TaskType type, int seed, List<String> sites, int eval,
                              Io io) throws IOException {
        HfCheckpoint ck = HfLoader.load(dir(model), DType.FLOAT32, seed);
        if (!ck.initialized().isEmpty()) {
            io.err().println("cola ftaas: " + ck.initialized().size() + " head parameter(s) not in the checkpoint,"
                    + " initialized from seed " + seed);
        }
        List<HfWorkload> ws = new ArrayList<>();
        for (Path f : files) ws.add(HfRun.withData(ck, f, type, seed).workload());
        try {
            return new HfTenants(ws, SiteSelector.suffixes(sites.toArray(String[]::new)), eval);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--sites: " + e.getMessage());
        }
    }

    /** {@code --aux embedding} is a usage error for hf models. */
    static void requireAux(List<AuxiliaryKind> aux) {
        if (aux.contains(AuxiliaryKind.EMBEDDING)) {
            throw new UsageException("--aux embedding does not apply to --model hf:DIR");
        }
    }
}
