package cola4j.models;

import cola4j.autograd.Var;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import cola4j.tensor.io.SafetensorsException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves and loads a whole base model as a directory, in the Hugging Face layout:
 * <pre>
 *   dir/config.json          {"family": "decoder", "vocabSize": 36, "maxLen": 27, ..., "dtype": "FLOAT32"}
 *   dir/model.safetensors    one tensor per {@link Model#namedParameters()} entry, keyed by that name, in that order
 * </pre>
 * {@code family} is one of {@link #FAMILIES} and names the config record ({@link EncoderClassifierConfig},
 * {@link DecoderLMConfig}, {@link EncoderDecoderConfig}, {@link MlpClassifierConfig}); the other keys are that
 * record's components. Tensors are stored in the model's dtype, so a save/load round trip is bit-exact.
 *
 * <p>Replacing a checkpoint ({@link #save}): both files are written and fsynced into a fresh sibling
 * {@code .<name>.tmp-*}; then an existing {@code dir} is renamed to the sibling {@code .<name>.old-<n>}, the new
 * directory is renamed to {@code dir}, the parent directory is fsynced (best effort), and the old one is deleted.
 * Neither rename can leave a partial directory at {@code dir}, so a reader never sees a mix of old and new files; but
 * Java cannot swap two directories in one step, so <b>between the two renames {@code dir} does not exist</b> (a reader
 * then gets "missing config.json"). A crash leaves:
 * <ul>
 *   <li>while writing: {@code dir} untouched, plus a {@code .<name>.tmp-*} leftover (safe to delete);</li>
 *   <li>between the renames: no {@code dir}, the complete previous checkpoint in {@code .<name>.old-<n>} (and the new
 *       one in {@code .<name>.tmp-*}): {@link #recover} renames the previous one back; {@link #save} does so before it
 *       writes, and {@link #load} names the leftover in its error;</li>
 *   <li>after the second rename: the new checkpoint at {@code dir} and a {@code .<name>.old-<n>} leftover (safe
 *       to delete).</li>
 * </ul>
 * One writer per directory at a time (concurrent saves to the same {@code dir} are not supported).
 *
 * <p>Errors: unknown or missing keys in config.json, or an unknown family → {@link IOException} naming the file and
 * the key; a corrupt or truncated model.safetensors → the {@link SafetensorsException} of the reader (its
 * {@code kind()} says which rule broke); weights that do not fit the config → one {@link IllegalArgumentException}
 * listing every missing, unexpected and mismatched (shape or dtype) tensor; NaN or ±Inf values → an
 * {@link IllegalArgumentException} naming every such tensor.
 */
public final class ModelCheckpoint {
    private ModelCheckpoint() {}

    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";
    /** Family names, in the order encoder classifier, decoder LM, encoder-decoder, MLP. */
    public static final List<String> FAMILIES = List.of("encoder", "decoder", "seq2seq", "mlp");

    /** Strict mapper: unknown keys, missing creator properties and null primitives are errors. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** The family name of a model ({@code encoder}, {@code decoder}, {@code seq2seq}, {@code mlp}). */
    public static String family(Model model) {
        if (model instanceof EncoderClassifier) return "encoder";
        if (model instanceof DecoderLM) return "decoder";
        if (model instanceof EncoderDecoder) return "seq2seq";
        if (model instanceof MlpClassifier) return "mlp";
        throw new IllegalArgumentException("ModelCheckpoint: unsupported model type " + model.getClass().getName()
                + "; supported: " + FAMILIES);
    }

    /** The config record of a model. */
    public static Record config(Model model) {
        if (model instanceof EncoderClassifier m) return m.config();
        if (model instanceof DecoderLM m) return m.config();
        if (model instanceof EncoderDecoder m) return m.config();
        if (model instanceof MlpClassifier m) return m.config();
        throw new IllegalArgumentException("ModelCheckpoint: unsupported model type " + model.getClass().getName());
    }

    /**
     * The exact config.json text of a model: {@code {"family": ..., <config components>}} (stable; used
     * as a cache key).
     */
    public static String configJson(Model model) {
        ObjectNode node = JSON.createObjectNode();
        node.put("family", family(model));
        node.setAll((ObjectNode) JSON.valueToTree(config(model)));
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("config serialization failed", e);
        }
    }

    /** Builds a freshly initialized model (weights drawn from {@code rng}) from a config record. */
    public static Model create(Record config, Rng rng) {
        if (config instanceof EncoderClassifierConfig c) return new EncoderClassifier(c, rng);
        if (config instanceof DecoderLMConfig c) return new DecoderLM(c, rng);
        if (config instanceof EncoderDecoderConfig c) return new EncoderDecoder(c, rng);
        if (config instanceof MlpClassifierConfig c) return new MlpClassifier(c, rng);
        throw new IllegalArgumentException("ModelCheckpoint: unsupported config type " + config.getClass().getName());
    }

    /** Parses a config.json text (strict: see the class comment). */
    public static Record parseConfig(String json) throws IOException {
        JsonNode root = JSON.readTree(json);
        if (root == null || !root.isObject()) {
            throw new IOException("config: expected a JSON object, got "
                    + (root == null ? "nothing" : root.getNodeType()));
        }
        ObjectNode obj = ((ObjectNode) root).deepCopy();
        JsonNode fam = obj.remove("family");
        if (fam == null || !fam.isTextual()) {
            throw new IOException("config: missing string field \"family\" (one of " + FAMILIES + ")");
        }
        Class<? extends Record> type = switch (fam.asText()) {
            case "encoder" -> EncoderClassifierConfig.class;
            case "decoder" -> DecoderLMConfig.class;
            case "seq2seq" -> EncoderDecoderConfig.class;
            case "mlp" -> MlpClassifierConfig.class;
            default -> throw new IOException("config: unknown family '" + fam.asText() + "'; known: " + FAMILIES);
        };
        List<String> known = Arrays.stream(type.getRecordComponents())
                .map(java.lang.reflect.RecordComponent::getName).toList();
        List<String> unknown = new ArrayList<>();
        obj.fieldNames().forEachRemaining(k -> {
            if (!known.contains(k)) unknown.add(k);
        });
        if (!unknown.isEmpty()) {
            throw new IOException("config (family " + fam.asText() + "): unknown key(s) " + unknown
                    + "; known: [family, " + String.join(", ", known) + "]");
        }
        try {
            return JSON.treeToValue(obj, type); // FAIL_ON_UNKNOWN_PROPERTIES also guards nested values
        } catch (JsonProcessingException e) {
            throw new IOException("config (family " + fam.asText() + "): " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) { // the record's own validation, wrapped or not by Jackson
            throw new IOException("config (family " + fam.asText() + "): " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code model} to {@code dir}: created, or replaced as in the class comment (first restoring, with
     * {@link #recover}, a previous checkpoint an interrupted save left aside).
     */
    public static void save(Model model, Path dir) throws IOException {
        AtomicDirectory.replace(dir, tmp -> {
            writeSynced(tmp.resolve(CONFIG_FILE), (configJson(model) + "\n").getBytes(StandardCharsets.UTF_8));
            LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
            model.namedParameters().forEach((name, v) -> tensors.put(name, v.value()));
            Safetensors.write(tmp.resolve(WEIGHTS_FILE), tensors, Map.of("family", family(model)));
        });
    }

    /**
     * Restores the checkpoint an interrupted {@link #save} left aside: if {@code dir} does not exist and a sibling
     * {@code .<name>.old-<n>} does, renames the most recently modified such sibling to {@code dir}.
     *
     * @return true if a checkpoint was restored
     */
    public static boolean recover(Path dir) throws IOException {
        return AtomicDirectory.recover(dir);
    }

    /** Reads the model in {@code dir}: config.json, then model.safetensors checked against it (see class comment). */
    public static Model load(Path dir) throws IOException {
        Path cfgFile = dir.resolve(CONFIG_FILE), wFile = dir.resolve(WEIGHTS_FILE);
        if (!Files.exists(dir)) {
            List<Path> olds = AtomicDirectory.leftovers(dir.toAbsolutePath());
            if (!olds.isEmpty()) {
                throw new IOException("checkpoint " + dir + ": missing " + CONFIG_FILE
                        + " (the directory does not exist; an interrupted save left the "
                        + "previous checkpoint in " + olds.get(0) + ": ModelCheckpoint.recover restores it)");
            }
        }
        if (!Files.isRegularFile(cfgFile)) throw new IOException("checkpoint " + dir + ": missing " + CONFIG_FILE);
        if (!Files.isRegularFile(wFile)) throw new IOException("checkpoint " + dir + ": missing " + WEIGHTS_FILE);
        Record config;
        try {
            config = parseConfig(Files.readString(cfgFile, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException(cfgFile + ": " + e.getMessage(), e);
        }
        Model model = create(config, new Rng(0));
        // SafetensorsException names the file and rule; an integer/BOOL entry is refused by name
        Map<String, Tensor> weights = Safetensors.read(wFile).floatTensors(wFile);
        try {
            loadWeights(model, weights);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(wFile + ": " + e.getMessage(), e);
        }
        return model;
    }

    /** {@link #load(Path)} checked to be of {@code type}. */
    public static <M extends Model> M load(Path dir, Class<M> type) throws IOException {
        Model m = load(dir);
        if (!type.isInstance(m)) {
            throw new IOException("checkpoint " + dir + " holds a " + family(m) + " model, not a "
                    + type.getSimpleName());
        }
        return type.cast(m);
    }

    /**
     * Copies {@code weights} into the model's parameter tensors in place. Every parameter name must be present with
     * the parameter's shape and dtype and no other name may occur, and every value must be finite; otherwise nothing is
     * copied and one IllegalArgumentException lists all missing, unexpected and mismatched tensors, or else every
     * tensor holding NaN or ±Inf (with the first such value, its flat index and the count).
     */
    public static void loadWeights(Model model, Map<String, Tensor> weights) {
        LinkedHashMap<String, Var> params = model.namedParameters();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), mismatched = new ArrayList<>();
        params.forEach((name, p) -> {
            Tensor t = weights.get(name);
            if (t == null) missing.add(name);
            else if (!Arrays.equals(t.shape(), p.value().shape()) || t.dtype() != p.value().dtype()) {
                mismatched.add(name + " (file " + t.dtype() + " " + Arrays.toString(t.shape()) + ", model "
                        + p.value().dtype() + " " + Arrays.toString(p.value().shape()) + ")");
            }
        });
        for (String name : weights.keySet()) if (!params.containsKey(name)) unexpected.add(name);
        if (!missing.isEmpty() || !unexpected.isEmpty() || !mismatched.isEmpty()) {
            throw new IllegalArgumentException("checkpoint does not fit the " + family(model) + " model: missing "
                    + missing + "; unexpected " + unexpected + "; mismatched " + mismatched);
        }
        List<String> nonFinite = new ArrayList<>();
        params.keySet().forEach(name -> {
            String bad = nonFiniteSummary(weights.get(name));
            if (bad != null) nonFinite.add(name + " (" + bad + ")");
        });
        if (!nonFinite.isEmpty()) {
            throw new IllegalArgumentException("checkpoint for the " + family(model)
                    + " model has non-finite weights (NaN/Inf): " + nonFinite);
        }
        params.forEach((name, p) -> p.value().copyFrom(weights.get(name)));
    }

    /** Null if every value of {@code t} is finite, else "NaN at flat index i, k of n values non-finite". */
    private static String nonFiniteSummary(Tensor t) {
        if (t.isFinite()) return null;
        int first = -1, count = 0;
        for (int i = 0; i < t.numel(); i++) {
            if (!Double.isFinite(t.getFlat(i))) {
                if (first < 0) first = i;
                count++;
            }
        }
        return t.getFlat(first) + " at flat index " + first + ", " + count + " of " + t.numel() + " values non-finite";
    }

    private static void writeSynced(Path file, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             OutputStream os = Channels.newOutputStream(ch)) {
            os.write(bytes);
            os.flush();
            ch.force(true);
        }
    }
}
