package cola4j.gl.app.bench;

import cola4j.gl.AdaptationData;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.OutputPaths;
import cola4j.gl.app.command.Limits;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.Table;
import cola4j.gl.cola.ColaMode;
import cola4j.gl.cola.ColaServer;
import cola4j.gl.UserFit;
import cola4j.gl.UserFitConfig;
import cola4j.gl.baselines.LoraTrainer;
import cola4j.gl.cola.LossFunction;
import cola4j.gl.cola.RowRouting;
import cola4j.models.DecoderLM;
import cola4j.models.site.Site;
import cola4j.tensor.memory.Device;
import cola4j.tensor.memory.MemCategory;
import cola4j.tensor.memory.MemoryLedger;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola bench memory}: bytes held by the server and by each user when K users fine-tune adapters of one
 * base model ({@link LmShape}; rank-8 adapters on query and value of every block, AdamW), for K = 1, 2, 4, …, 64:
 * <ul>
 *   <li>lora (multi-tenant LoRA): the server holds the base model and every user's adapters, their gradients and
 *       AdamW moments; a user holds nothing;</li>
 *   <li>cola-unmerged: the server holds the base model, a frozen replica of every user's adapter values (it
 *       evaluates h + g(x)) and the adaptation data of the current pass; a user holds its adapters, gradients,
 *       AdamW moments and the adaptation data it received;</li>
 *   <li>cola-merged: the server holds the base model, the merge scratch of one pass (saved copies of the adapted
 *       weights and the one user's ΔW) and the adaptation data of the pass — nothing per user.</li>
 * </ul>
 * Each user trains one step on its own batch ({@code --rows} rows of T tokens) so gradients and optimizer state
 * exist; then a {@link MemoryLedger} is filled from the live objects ({@link MemoryAccounting}). Activations of a
 * pass are not counted. The ledger counts element storage (numel × dtype size). {@code --png FILE} (or, with
 * {@code --json F.json}, F.png beside it) plots server bytes against K.
 */
public final class MemoryBench extends BenchCommand<MemoryBench.Row> {
    /**
     * One (method, K) point.
     *
     * @param method           lora, cola-unmerged or cola-merged
     * @param users            K
     * @param serverBytes      bytes on the server, all categories
     * @param userBytes        bytes on the largest user device
     * @param serverByCategory the server's bytes per ledger category
     */
    @JsonPropertyOrder({"method", "users", "server_bytes", "user_bytes", "server_by_category"})
    public record Row(@JsonProperty("method") String method, @JsonProperty("users") int users,
                      @JsonProperty("server_bytes") long serverBytes, @JsonProperty("user_bytes") long userBytes,
                      @JsonProperty("server_by_category") Map<String, Long> serverByCategory) {}

    static final List<String> METHODS = List.of("lora", "cola-unmerged", "cola-merged");
    static final int[] DEFAULT_USERS = {1, 2, 4, 8, 16, 32, 64};
    static final Device SERVER = Device.of("server");

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public String description() {
        return "server and per-user bytes for K users: multi-tenant LoRA vs ColA unmerged vs ColA merged (PNG plot)";
    }

    @Override
    protected void addOptions(Options o) {
        o.addOption(Option.builder().longOpt("users").hasArg().argName("K,K,...")
                .desc("Numbers of users (default 1,2,4,8,16,32,64)").build());
        o.addOption(Option.builder().longOpt("rows").hasArg().argName("N")
                .desc("Rows of each user's batch (default 1)").build());
        o.addOption(Option.builder().longOpt("png").hasArg().argName("FILE")
                .desc("Write the plot here (default: beside --json, same name .png)").build());
        o.addOption(Option.builder().longOpt("quick")
                .desc("Tiny model (for tests), instead of the reference shape").build());
    }

    @Override
    public List<Row> measure(CommandLine cl, Io io) throws Exception {
        int[] ks = Args.intList(cl, "users", DEFAULT_USERS, 1, Limits.MAX_USERS);
        int rows = Args.intValue(cl, "rows", 1, 1, Limits.MAX_BATCH);
        Path png = pngPath(cl);
        if (png != null) OutputPaths.requireWritableFile("png", png);
        LmShape shape = StepBench.shape(cl).withBatch(rows);
        List<Row> out = new ArrayList<>();
        for (String m : METHODS) {
            for (int k : ks) out.add(measure(m, k, shape));
            io.err().println("memory: " + m + " done");
        }
        if (png != null) {
            MemoryPlot.write(png, out, shape.toString());
            io.err().println("wrote " + png);
        }
        return out;
    }

    static Path pngPath(CommandLine cl) {
        Path png = Args.path(cl, "png");
        if (png != null) return png;
        Path json = Args.path(cl, "json");
        if (json == null) return null;
        String f = json.getFileName().toString();
        return json.resolveSibling((f.endsWith(".json") ? f.substring(0, f.length() - 5) : f) + ".png");
    }

    /** Builds K users of {@code method} on a fresh model, trains each one step on its own batch, accounts. */
    static Row measure(String method, int k, LmShape shape) {
        MemoryLedger ledger = new MemoryLedger();
        DecoderLM model = shape.model(StepBench.MODEL_SEED);
        List<Site> sites = model.sites(LmShape.SITES);
        Map<Integer, LinkedHashMap<String, AuxiliaryModel>> aux = new LinkedHashMap<>();
        for (int u = 0; u < k; u++) aux.put(u, LmShape.auxiliaries(sites, u));
        switch (method) {
            case "lora" -> {
                LoraTrainer t = new LoraTrainer(model, sites, aux, StepBench.adamW(), null, 1,
                        Double.POSITIVE_INFINITY);
                for (int u = 0; u < k; u++) t.step(loss(model, shape, u), RowRouting.single(u, shape.batch()), null);
                MemoryAccounting.trackParameters(ledger, SERVER, "base/", model.namedParameters());
                for (int u = 0; u < k; u++) {
                    MemoryAccounting.trackParameters(ledger, SERVER, "user-" + u + "/",
                            UserFit.parameters(t.auxiliaries().get(u)));
                    MemoryAccounting.trackOptimizer(ledger, SERVER, "user-" + u + "/optimizer", t.optimizer(u));
                }
            }
            case "cola-unmerged", "cola-merged" -> {
                ColaMode mode = method.equals("cola-merged") ? ColaMode.MERGED : ColaMode.UNMERGED;
                ColaServer server = new ColaServer(model, sites);
                MemoryAccounting.trackParameters(ledger, SERVER, "base/", model.namedParameters());
                for (int u = 0; u < k; u++) {
                    UserFit user = new UserFit(u, aux.get(u), StepBench.adamW().apply(UserFit.parameters(aux.get(u))),
                            new UserFitConfig(1, Double.POSITIVE_INFINITY), null);
                    ColaServer.Pass p = server.pass(loss(model, shape, u), Map.of(u, aux.get(u)),
                            RowRouting.single(u, shape.batch()), mode, null);
                    List<AdaptationData> data = p.dataByUser().get(u);
                    user.offer(data).orElseThrow();
                    Device d = Device.of("user-" + u);
                    MemoryAccounting.trackParameters(ledger, d, "", UserFit.parameters(user.auxiliaries()));
                    MemoryAccounting.trackOptimizer(ledger, d, "optimizer", user.optimizer());
                    MemoryAccounting.trackAdaptationData(ledger, d, "received/", data);
                    // the server's outgoing data of a pass: one key set, replaced by every pass (one pass at a time)
                    MemoryAccounting.trackAdaptationData(ledger, SERVER, "outgoing/", data);
                    if (mode == ColaMode.UNMERGED) {
                        MemoryAccounting.trackValues(ledger, SERVER, "replica/user-" + u + "/",
                                UserFit.parameters(user.auxiliaries()));
                    } else {
                        MemoryAccounting.trackMergeScratch(ledger, SERVER, server.sites().values(), user.auxiliaries());
                    }
                }
            }
            default -> throw new IllegalArgumentException("memory bench: unknown method " + method
                    + "; expected one of " + METHODS);
        }
        long user = 0;
        for (Device d : ledger.devices()) if (!d.equals(SERVER)) user = Math.max(user, ledger.current(d));
        Map<String, Long> cats = new LinkedHashMap<>();
        for (MemCategory c : MemCategory.values()) cats.put(c.name().toLowerCase(), ledger.current(SERVER, c));
        return new Row(method, k, ledger.current(SERVER), user, cats);
    }

    private static LossFunction loss(DecoderLM model, LmShape shape, int user) {
        int[][][] b = shape.batch(StepBench.BATCH_SEED + user);
        return ctx -> model.loss(b[0], b[1], ctx);
    }

    @Override
    protected Table table(List<Row> rows) {
        Table t = new Table("method", "K", "server MiB", "server vs K=first", "user KiB");
        Map<String, Long> first = new LinkedHashMap<>();
        for (Row r : rows) {
            long f = first.computeIfAbsent(r.method(), m -> r.serverBytes());
            t.row(r.method(), Integer.toString(r.users()), String.format("%.3f", r.serverBytes() / 1048576.0),
                    String.format("%+.2f%%", 100.0 * (r.serverBytes() - f) / f),
                    String.format("%.1f", r.userBytes() / 1024.0));
        }
        return t;
    }
}
