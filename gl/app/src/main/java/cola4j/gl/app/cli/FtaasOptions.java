package cola4j.gl.app.cli;

import cola4j.gl.app.ftaas.FtaasModels;
import cola4j.gl.optim.OptimizerKind;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** The options of {@code cola ftaas} ({@link FtaasCommand}; Shapley, hf and compression options from their classes). */
final class FtaasOptions {
    private FtaasOptions() {}

    private static Option opt(String name, String arg, String desc) {
        return FtaasCommand.opt(name, arg, desc);
    }

    /** The options of {@code cola ftaas}. */
    static Options options() {
        Options o = new Options()
                .addOption(opt("model", "M", "base model: " + String.join(", ", FtaasModels.MODELS)
                        + " (default mlp), or hf:DIR (a Hugging Face directory; needs --data and --task-type)"))
                .addOption(opt("preset", "tiny|small", "size of a transformer base (default small; ignored for mlp)"))
                .addOption(opt("sites", "S1,S2,...", "adapted site-name suffixes of a transformer (default "
                        + String.join(",", FtaasModels.TRANSFORMER_SITES) + "; mlp: every layer)"))
                .addOption(opt("users", "K", "number of users (default 4)"))
                .addOption(opt("aux", "PATTERN", "auxiliary types cycled over users, e.g. lowrank~linear "
                        + "(lowrank, linear, mlp, or embedding on token-embedding sites; default lowrank)."
                        + " --aux, --rank, --interval, --optimizer and --lr all take v1~v2~...:"
                        + " user k gets entry k mod n of each"))
                .addOption(Option.builder().longOpt("merged")
                        .desc("merge each user's ΔW into the base, per-user sub-batches").build())
                .addOption(Option.builder().longOpt("merged-average")
                        .desc("merge the average ΔW of the batch's users once").build())
                .addOption(opt("lora-variant", "lora|rslora", "form of the lowrank users' adapters (and of the"
                        + " LoRA baseline's): lora (default) or rslora (scale alpha/sqrt(r)); in-process transport;"
                        + " pissa and dora do not apply to a shared base (docs/cola.md)"))
                .addOption(opt("interval", "I[~I...]",
                        "adaptation interval per user: batches per user step, e.g. 1~2 (default 1)"))
                .addOption(opt("steps", "N", "server steps (default 200)"))
                .addOption(opt("rows", "B", "examples per user per step (default 32)"))
                .addOption(opt("rank", "R[~R...]", "LoRA rank of lowrank auxiliaries per user, e.g. 4~8 (default 8)"))
                .addOption(opt("optimizer", "O[~O...]", "users' optimizers: "
                        + String.join(", ", OptimizerKind.names()) + ", e.g. sgd~adamw (default adamw;"
                        + " sgd has momentum 0.9; the same optimizer trains the user's LoRA adapter)"))
                .addOption(opt("lr", "LR[~LR...]", "users' learning rates (default "
                        + FtaasCommand.MLP_LR + " for mlp, " + FtaasCommand.TRANSFORMER_LR + " for transformers)"))
                .addOption(opt("transport", "inprocess|grpc",
                        "how the ColA server and users talk: in this process (default) or"
                        + " gRPC over loopback sockets in this JVM (wire bytes measured)"))
                .addOption(opt("transfer-dtype", "float32|bf16",
                        "element type of adaptation data on the wire (default float32)"))
                .addOption(opt("fit-epochs", "E", "ColA users' passes over each interval's buffer, 1-1000"
                        + " (default 1 = Gradient Learning exactly; in-process transport only)"))
                .addOption(opt("fit-batch", "ROWS", "ColA users' rows per optimizer step within a pass"
                        + " (default 0 = the whole buffer)"))
                .addOption(opt("seed", "S", "seed of base, users and data (default 0)"))
                .addOption(opt("pretrain-steps", "N", "pretraining steps of the base (default 300 for mlp; "
                        + "transformers: the family's tuned default)"))
                .addOption(opt("eval", "N",
                        "held-out examples per user evaluation of a transformer task (default 256)"))
                .addOption(opt("cache", "DIR", "pretrained-checkpoint cache (default $COLA_CACHE or .cache/cola4j)"))
                .addOption(opt("json", "FILE",
                        "also write the results as JSON (atomically; missing parent directories are created;"
                        + " checked before the run: a path that cannot be written is a usage error)"));
        FtaasShapley.addOptions(o);
        FtaasHf.addOptions(o);
        FtaasCompression.addOptions(o);
        return o;
    }
}
