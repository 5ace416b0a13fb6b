package cola4j.models.hf;

import cola4j.autograd.Var;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.RawTensor;
import cola4j.tensor.io.Safetensors;
import cola4j.tensor.io.SafetensorsFile;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads a Hugging Face model directory ({@code config.json} + {@code model.safetensors}) for {@code model_type}
 * gpt2, bert, roberta or bart; the {@code cola} programs accept it as {@code --model hf:DIR}.
 *
 * <p>Names. Every checkpoint tensor is matched to a parameter of the model ({@link HfModel#namedParameters()}, the
 * names of transformers' full model class) after three normalizations transformers also applies: a missing base
 * prefix is added ({@code h.0.attn.c_attn.weight} → {@code transformer.h.0.attn.c_attn.weight}; prefixes
 * {@code transformer}, {@code bert}, {@code roberta}, {@code model}); old {@code LayerNorm.gamma/beta} are
 * {@code LayerNorm.weight/bias}; tied tables may be stored under any of their names (GPT-2 {@code wte} or
 * {@code lm_head}; BART {@code model.shared}, {@code model.encoder.embed_tokens}, {@code model.decoder.embed_tokens}
 * or {@code lm_head}). BART's {@code final_logits_bias} buffer is read when present (else zeros).
 *
 * <p>Values. F32, F16 and BF16 tensors (the last two widened exactly to float32 by the safetensors reader) and F64
 * are converted to the requested dtype; GPT-2's Conv1D weights ([in, out] in the file) are transposed to [out, in].
 * Integer and boolean entries ({@link RawTensor}: I64 {@code embeddings.position_ids} and {@code token_type_ids}
 * buffers, GPT-2's BOOL/U8 {@code attn.bias} and {@code attn.masked_bias}) are buffers the model recomputes: they
 * are skipped and listed in {@link HfCheckpoint#unused()}; one standing where a float parameter is expected is an
 * {@link IllegalArgumentException} naming it and its dtype.
 *
 * <p>Errors, one exception each: no config.json, or no model.safetensors (a sharded index or a
 * {@code pytorch_model.bin} alone is named) → {@link IOException}; an unknown {@code model_type} or unsupported
 * setting → {@link IllegalArgumentException} naming it; missing tensors (except a whole missing classification
 * head, which is initialized and reported in {@link HfCheckpoint#initialized()}) and shape mismatches → one
 * {@link IllegalArgumentException} listing them all; NaN/Inf values → an error naming the tensor.
 */
public final class HfLoader {
    private HfLoader() {}

    /** The {@code --model} prefix that names a Hugging Face directory. */
    public static final String PREFIX = "hf:";
    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";

    /** Loads {@code dir} in {@code dtype}; a missing classification head is drawn from seed 0. */
    public static HfCheckpoint load(Path dir, DType dtype) throws IOException {
        return load(dir, dtype, 0L);
    }

    /** Loads {@code dir}; a missing BERT/RoBERTa head is drawn from {@code headSeed}. */
    public static HfCheckpoint load(Path dir, DType dtype, long headSeed) throws IOException {
        HfConfig config = HfConfigReader.read(readConfig(dir), dtype);
        Path weights = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(weights)) {
            String hint = Files.exists(dir.resolve(WEIGHTS_FILE + ".index.json"))
                    ? " (sharded checkpoints, model.safetensors.index.json, are not supported)"
                    : Files.exists(dir.resolve("pytorch_model.bin"))
                    ? " (found pytorch_model.bin: only safetensors is read; save with safe_serialization=True)" : "";
            throw new IOException(dir + ": no " + WEIGHTS_FILE + hint);
        }
        SafetensorsFile read = Safetensors.read(weights);
        LinkedHashMap<String, Tensor> file = read.tensors();
        HfModel model = create(config, new Rng(headSeed));
        requireNoIntegerParameters(model, read.raw(), weights);
        Assigned a = assign(model, file, weights, new Rng(headSeed));
        List<String> unused = new ArrayList<>();
        for (String k : file.keySet()) if (!a.used().contains(k)) unused.add(k);
        unused.addAll(read.raw().keySet()); // integer/BOOL buffers: position_ids, token_type_ids, causal masks
        return new HfCheckpoint(dir, model, a.initialized(), unused);
    }

    /** A randomly initialized model of {@code config}'s family (weights from {@code rng}, as the layers draw them). */
    public static HfModel create(HfConfig config, Rng rng) {
        return switch (config.modelType()) {
            case "gpt2" -> new HfGpt2(config, rng);
            case "bert", "roberta" -> new HfBert(config, rng);
            case "bart" -> new HfBart(config, rng);
            default -> throw new IllegalArgumentException("unsupported model_type " + config.modelType());
        };
    }

    static JsonNode readConfig(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException(dir + ": not a directory");
        Path f = dir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(f)) throw new IOException(dir + ": no " + CONFIG_FILE);
        try {
            return new ObjectMapper().readTree(Files.readString(f));
        } catch (JsonProcessingException e) {
            throw new IOException(f + ": not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** The base-model prefix transformers adds to a bare checkpoint's names. */
    private static String prefix(HfModel model) {
        return switch (model.config().modelType()) {
            case "gpt2" -> "transformer.";
            case "bart" -> "model.";
            default -> model.config().modelType() + ".";
        };
    }

    /** A file key as the model names it: old LayerNorm gamma/beta renamed, the base prefix added where missing. */
    private static String normalize(String key, String prefix) {
        String n = key.replaceAll("LayerNorm\\.gamma$", "LayerNorm.weight").replaceAll("LayerNorm\\.beta$",
                "LayerNorm.bias");
        boolean top = n.startsWith(prefix) || n.startsWith("classifier.") || n.startsWith("lm_head.")
                || n.equals("final_logits_bias") || n.startsWith("cls.") || n.startsWith("qa_outputs.");
        return top ? n : prefix + n;
    }

    /**
     * Integer/BOOL entries are buffers the model does not need (they are reported unused), unless one stands where a
     * float parameter (or a tied copy, or BART's final_logits_bias) is expected: then one error names them all.
     */
    private static void requireNoIntegerParameters(HfModel model, Map<String, RawTensor> raw, Path where) {
        Set<String> floats = new HashSet<>(model.namedParameters().keySet());
        floats.addAll(List.of("lm_head.weight", "final_logits_bias", "model.encoder.embed_tokens.weight",
                "model.decoder.embed_tokens.weight"));
        List<String> bad = new ArrayList<>();
        String prefix = prefix(model);
        for (Map.Entry<String, RawTensor> e : raw.entrySet()) {
            String key = e.getKey();
            if (floats.contains(normalize(key, prefix))) bad.add(key + " (" + e.getValue().dtype() + ")");
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException(where + ": " + bad.size() + " parameter(s) stored with an integer or"
                    + " boolean dtype " + shortList(bad) + "; weights must be F32, F64, F16 or BF16");
        }
    }

    /** What {@link #assign} did: parameters it initialized, file keys it read. */
    private record Assigned(List<String> initialized, Set<String> used) {}

    /** Copies every parameter from {@code file}. */
    private static Assigned assign(HfModel model, Map<String, Tensor> file, Path where, Rng headRng) {
        String prefix = prefix(model);
        Map<String, String> byName = new LinkedHashMap<>(); // normalized name -> file key
        for (String k : file.keySet()) byName.putIfAbsent(normalize(k, prefix), k);
        Map<String, List<String>> tied = Map.of(
                "transformer.wte.weight", List.of("lm_head.weight"),
                "model.shared.weight", List.of("model.encoder.embed_tokens.weight", "model.decoder.embed_tokens.weight",
                        "lm_head.weight"));
        LinkedHashMap<String, Var> params = model.namedParameters();
        Set<String> conv1d = model.conv1dWeights();
        List<String> missing = new ArrayList<>(), mismatched = new ArrayList<>();
        Map<String, Tensor> found = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        for (Map.Entry<String, Var> e : params.entrySet()) {
            String name = e.getKey();
            String key = byName.get(name);
            for (String alt : tied.getOrDefault(name, List.of())) if (key == null) key = byName.get(alt);
            if (key == null) {
                missing.add(name);
                continue;
            }
            Tensor t = file.get(key);
            used.add(key);
            int[] want = e.getValue().shape();
            int[] inFile = conv1d.contains(name) ? new int[] {want[1], want[0]} : want;
            if (!Arrays.equals(t.shape(), inFile)) {
                mismatched.add(key + " " + Arrays.toString(t.shape()) + " (config.json implies "
                        + Arrays.toString(inFile) + ")");
                continue;
            }
            found.put(name, conv1d.contains(name) ? t.transpose(0, 1) : t);
        }
        for (Map.Entry<String, List<String>> t : tied.entrySet()) {
            if (!params.containsKey(t.getKey())) continue;
            for (String alt : t.getValue()) {
                if (byName.containsKey(alt)) used.add(byName.get(alt)); // tied copies of a table already read
            }
        }
        List<String> initialized = new ArrayList<>();
        if (model instanceof HfBert bert && missing.containsAll(bert.headParameters())) {
            initialized.addAll(bert.headParameters());
            missing.removeAll(bert.headParameters());
        }
        if (!missing.isEmpty() || !mismatched.isEmpty()) {
            List<String> problems = new ArrayList<>();
            if (!missing.isEmpty()) problems.add(missing.size() + " missing tensor(s) " + shortList(missing));
            if (!mismatched.isEmpty()) {
                problems.add(mismatched.size() + " shape mismatch(es) " + shortList(mismatched));
            }
            throw new IllegalArgumentException(where + " does not fit config.json (model_type "
                    + model.config().modelType() + "): " + String.join("; ", problems));
        }
        DType dtype = model.dtype();
        for (Map.Entry<String, Tensor> e : found.entrySet()) {
            Tensor v = e.getValue().to(dtype).requireFinite(where.getFileName() + " tensor " + e.getKey());
            params.get(e.getKey()).value().copyFrom(v);
        }
        for (String name : initialized) {
            Tensor p = params.get(name).value();
            p.copyFrom(name.endsWith(".bias") ? Tensor.zeros(dtype, p.shape())
                    : headRng.normal(dtype, 0.0, model.config().initializerRange(), p.shape()));
        }
        if (model instanceof HfBart bart && byName.containsKey("final_logits_bias")) {
            String key = byName.get("final_logits_bias");
            Tensor b = file.get(key);
            if (!Arrays.equals(b.shape(), bart.finalLogitsBias().shape())) {
                throw new IllegalArgumentException(where + ": final_logits_bias " + Arrays.toString(b.shape())
                        + " must be [1, " + model.config().vocabSize() + "]");
            }
            bart.finalLogitsBias().copyFrom(b.to(dtype).requireFinite("final_logits_bias"));
            used.add(key);
        }
        return new Assigned(initialized, used);
    }

    private static String shortList(List<String> names) {
        return names.size() <= 8 ? names.toString()
                : names.subList(0, 8) + " and " + (names.size() - 8) + " more";
    }
}
