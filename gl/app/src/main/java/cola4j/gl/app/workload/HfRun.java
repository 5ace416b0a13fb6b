package cola4j.gl.app.workload;

import cola4j.gl.app.data.FileTask;
import cola4j.gl.app.data.HfTokenizer;
import cola4j.gl.app.data.TextBatches;
import cola4j.gl.app.data.TextBatches.Encoded;
import cola4j.gl.app.data.TextDataset;
import cola4j.gl.app.data.TextDataset.TaskType;
import cola4j.gl.app.data.TextRecords;
import cola4j.models.hf.HfCheckpoint;
import cola4j.models.hf.HfConfig;
import cola4j.models.hf.HfLoader;
import cola4j.tensor.DType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An {@code hf:DIR} model with a data file, ready to train: the checkpoint ({@link HfLoader}), the tokenizer
 * {@code DIR/tokenizer.json} ({@link HfTokenizer}), the file's rows split by the training seed with 10% held out
 * ({@link TextDataset}) and tokenized ({@link TextBatches}) within the model's positions; lm rows end with the
 * config's {@code eos_token_id} when it has one; inputs are padded with {@code pad_token_id} (else 0, masked).
 *
 * @param checkpoint the loaded directory
 * @param workload   the model on the file's task
 * @param dataset    the split rows
 */
public record HfRun(HfCheckpoint checkpoint, HfWorkload workload, TextDataset dataset) {
    /** The share of rows held out for evaluation. */
    public static final double EVAL_FRACTION = 0.1;

    /** PEFT's default target modules per model_type (LoRA): the sites {@code cola train} adapts by default. */
    public static final Map<String, List<String>> DEFAULT_SITES = Map.of("gpt2", List.of("c_attn"),
            "bert", List.of("query", "value"), "roberta", List.of("query", "value"),
            "bart", List.of("q_proj", "v_proj"));

    /** PEFT's default IA3 target modules per model_type, then its feedforward modules among them. */
    public static final Map<String, List<List<String>>> IA3_SITES = Map.of(
            "gpt2", List.of(List.of("c_attn", "mlp.c_proj"), List.of("mlp.c_proj")),
            "bert", List.of(List.of("key", "value", "output.dense"), List.of("output.dense")),
            "roberta", List.of(List.of("key", "value", "output.dense"), List.of("output.dense")),
            "bart", List.of(List.of("k_proj", "v_proj", "fc2"), List.of("fc2")));

    /**
     * Loads {@code dir} in {@code dtype} (a missing classification head drawn from {@code headSeed}) and reads
     * {@code data} as {@code type}, split with {@code seed}.
     *
     * @throws IOException              for missing or unreadable files
     * @throws IllegalArgumentException for a bad config, tokenizer, data row (FILE:LINE:) or a task type that does
     *                                  not fit the model
     */
    public static HfRun load(Path dir, Path data, TaskType type, DType dtype, long headSeed, long seed)
            throws IOException {
        return withData(HfLoader.load(dir, dtype, headSeed), data, type, seed);
    }

    /**
     * {@code data} read as {@code type}, split with {@code seed} and tokenized with {@code ck.dir()/tokenizer.json},
     * on the already loaded {@code ck} (its model is shared: {@code cola ftaas} gives each user's file one run over
     * the same base); errors as {@link #load}.
     */
    public static HfRun withData(HfCheckpoint ck, Path data, TaskType type, long seed) throws IOException {
        Path dir = ck.dir();
        HfConfig c = ck.model().config();
        Path tokFile = dir.resolve("tokenizer.json");
        TextDataset ds = TextDataset.read(data, type, seed, EVAL_FRACTION, TextRecords.Limits.defaults());
        try (HfTokenizer tok = HfTokenizer.load(tokFile)) {
            int maxLen = c.modelType().equals("roberta") ? c.maxPositions() - c.padTokenId() - 1 : c.maxPositions();
            int eos = type == TaskType.LM ? eosTokenId(dir) : -1;
            List<Encoded> train = TextBatches.encode(data, type, ds.train(), tok, maxLen, c.vocabSize(), eos);
            List<Encoded> eval = TextBatches.encode(data, type, ds.eval(), tok, maxLen, c.vocabSize(), eos);
            if (type == TaskType.CLS && ds.labels().size() > c.numLabels()) {
                throw new IllegalArgumentException(data + ": " + ds.labels().size() + " classes, the model's head has "
                        + c.numLabels() + " (num_labels in " + dir.resolve(HfLoader.CONFIG_FILE) + ")");
            }
            FileTask task = new FileTask(data.getFileName().toString(), type, train, eval,
                    Math.max(0, c.padTokenId()));
            return new HfRun(ck, new HfWorkload(ck.model(), task), ds);
        }
    }

    /** config.json's {@code eos_token_id} (an integer), or −1. */
    static int eosTokenId(Path dir) throws IOException {
        JsonNode n = new ObjectMapper().readTree(dir.resolve(HfLoader.CONFIG_FILE).toFile()).get("eos_token_id");
        return n != null && n.canConvertToInt() ? n.asInt() : -1;
    }
}
