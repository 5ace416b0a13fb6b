package cola4j.gl.app.cli;

import cola4j.autograd.GradMode;
import cola4j.autograd.Var;
import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.Command;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.workload.PretrainCache;
import cola4j.gl.app.workload.PretrainConfig;
import cola4j.gl.app.workload.Pretrainer;
import cola4j.gl.app.workload.Workloads;
import cola4j.models.DecoderLM;
import cola4j.models.EncoderClassifier;
import cola4j.models.EncoderDecoder;
import cola4j.models.ForwardContext;
import cola4j.models.MlpClassifier;
import cola4j.models.Model;
import cola4j.models.hf.HfCheckpoint;
import cola4j.models.hf.HfInputs;
import cola4j.models.hf.HfLoader;
import cola4j.tensor.DType;
import cola4j.tensor.Tensor;
import cola4j.tensor.io.Safetensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola forward --model M --input FILE --out F.safetensors [--dtype float64] [--hidden]}: the logits of a model
 * for given token ids, so cola4j can be compared with another implementation without Java. M is {@code hf:DIR} (a
 * Hugging Face directory, {@link HfLoader}) or a preset family (the cached pretrained base of {@code cola train}).
 * Inputs ({@link ForwardInputs}): input_ids [, attention_mask, token_type_ids, decoder_input_ids]; the MLP takes
 * {@code inputs}. The output file holds {@code logits} in the model's dtype and, with {@code --hidden}, every site's
 * input and output ({@link SiteRecorder}); its metadata names the model and dtype. Evaluation mode (no dropout).
 */
public final class ForwardCommand implements Command {
    @Override
    public String name() {
        return "forward";
    }

    @Override
    public String description() {
        return "Write a model's logits (and with --hidden every site's input and output) for given token ids";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("model").hasArg().argName("M")
                .desc("hf:DIR (Hugging Face config.json + model.safetensors) or a preset family: "
                        + String.join(", ", Workloads.families())).build());
        o.addOption(Option.builder().longOpt("input").hasArg().argName("FILE")
                .desc("JSON object or .safetensors with input_ids [B][T] (attention_mask, token_type_ids, "
                        + "decoder_input_ids optional; the mlp preset takes inputs [B][D])").build());
        o.addOption(Option.builder().longOpt("out").hasArg().argName("F.safetensors").desc("output file").build());
        o.addOption(Option.builder().longOpt("dtype").hasArg().argName("float32|float64")
                .desc("element type of the computation (default float32)").build());
        o.addOption(Option.builder().longOpt("hidden").desc("also write every site's input and output").build());
        o.addOption(Option.builder().longOpt("preset").hasArg().argName("NAME")
                .desc("preset size for a family: " + String.join(", ", Workloads.presets()) + " (default small)")
                .build());
        o.addOption(Option.builder().longOpt("base-seed").hasArg().argName("S")
                .desc("seed of the pretrained preset (default 0)").build());
        o.addOption(Option.builder().longOpt("cache").hasArg().argName("DIR")
                .desc("pretrain cache directory (default .cache/cola4j)").build());
        return o;
    }

    @Override
    public int run(CommandLine cl, Io io) throws Exception {
        String model = cl.getOptionValue("model");
        Path input = Args.path(cl, "input"), out = Args.path(cl, "out");
        if (model == null || input == null || out == null) {
            throw new UsageException("--model, --input and --out are required");
        }
        if (!out.getFileName().toString().endsWith(".safetensors")) {
            throw new UsageException("--out: the file name must end with .safetensors, got " + out);
        }
        DType dtype = DType.parse(Args.choice(cl, "dtype", "float32", List.of("float32", "float64")));
        boolean hf = model.startsWith(HfLoader.PREFIX);
        if (!hf && !Workloads.families().contains(model)) {
            throw new UsageException("--model: expected hf:DIR or one of " + Workloads.families() + ", got '"
                    + model + "'");
        }
        if (hf && model.length() == HfLoader.PREFIX.length()) throw new UsageException("--model hf: needs a directory");
        ForwardInputs in = ForwardInputs.read(input);
        Model m;
        String kind;
        if (hf) {
            HfCheckpoint ck = HfLoader.load(Path.of(model.substring(HfLoader.PREFIX.length())), dtype);
            if (!ck.initialized().isEmpty()) {
                io.err().println("cola: " + ck.dir() + " has no " + ck.initialized()
                        + "; initialized them as transformers does (N(0, initializer_range²), zero bias)");
            }
            m = ck.model();
            kind = ck.model().config().modelType();
        } else {
            String preset = Args.choice(cl, "preset", "small", Workloads.presets());
            long seed = Args.seed(cl, "base-seed", 0);
            Path cacheDir = Args.path(cl, "cache");
            PretrainCache cache = cacheDir != null ? new PretrainCache(cacheDir) : PretrainCache.atDefaultLocation();
            m = new Pretrainer(cache, io.err(), false).run(model, preset, dtype, seed,
                    PretrainConfig.defaults(model, preset), false).workload().model();
            kind = model + "/" + preset;
        }
        SiteRecorder rec = cl.hasOption("hidden") ? new SiteRecorder() : null;
        ForwardContext ctx = ForwardContext.eval().withInterceptor(rec);
        Tensor logits;
        try (var g = GradMode.noGrad()) {
            logits = logits(m, in, ctx).value();
        }
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("logits", logits);
        if (rec != null) tensors.putAll(rec.tensors());
        Safetensors.write(out, tensors, Map.of("model", model, "model_type", kind, "dtype", dtype.cliName));
        io.out().printf("forward %s (%s, %s): logits %s%s -> %s%n", model, kind, dtype.cliName,
                Arrays.toString(logits.shape()), rec == null ? "" : " + " + (tensors.size() - 1) + " site tensors",
                out);
        return 0;
    }

    /** The model's logits for the inputs, by family. */
    static Var logits(Model m, ForwardInputs in, ForwardContext ctx) throws IOException {
        if (m instanceof cola4j.models.hf.HfModel hm) {
            return hm.logits(new HfInputs(in.required("input_ids", hm.config().modelType()), in.ids("attention_mask"),
                    in.ids("token_type_ids"), in.ids("decoder_input_ids"), null), ctx);
        }
        if (m instanceof EncoderClassifier e) return e.forward(in.required("input_ids", "encoder"),
                in.ids("attention_mask"), ctx);
        if (m instanceof DecoderLM d) return d.forward(in.required("input_ids", "decoder"), in.ids("attention_mask"),
                ctx);
        if (m instanceof EncoderDecoder s) return s.forward(in.required("input_ids", "seq2seq"),
                in.ids("attention_mask"), in.required("decoder_input_ids", "seq2seq"), ctx);
        if (m instanceof MlpClassifier c) return c.forward(in.reals(c.dtype()), ctx);
        throw new IllegalArgumentException("cola forward: unsupported model " + m.getClass().getSimpleName());
    }
}
