package cola4j.gl.app.cli;

import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.Limits;
import cola4j.gl.app.command.Command;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.ftaas.Evaluation;
import cola4j.gl.app.ftaas.SessionConfig;
import cola4j.gl.app.ftaas.SessionLimits;
import cola4j.gl.app.ftaas.TenantWorkload;
import cola4j.gl.app.ftaas.TransferDtype;
import cola4j.gl.app.ftaas.grpc.HostConfig;
import cola4j.gl.app.ftaas.grpc.HostOutcome;
import cola4j.gl.app.ftaas.grpc.NetServer;
import cola4j.gl.app.ftaas.grpc.SessionHost;
import cola4j.gl.app.ftaas.grpc.Tokens;
import cola4j.gl.app.ftaas.grpc.UserResult;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.app.io.Table;
import cola4j.gl.app.workload.Workloads;
import cola4j.gl.cola.ColaMode;
import cola4j.models.data.DigitShift;
import cola4j.tensor.memory.MemoryLedger;
import io.grpc.Server;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola serve}: the FTaaS server as a network service. Writes one 256-bit token per user to
 * {@code DIR/user-<k>.token} (mode 0600), pretrains the base, starts gRPC on {@code --bind:--port}, prints
 * {@code listening on HOST:PORT} as the first line of stdout, waits for the users ({@code cola user}), runs the
 * session's steps (step semantics: {@link SessionHost}) and prints every user's result. Exit 0 when every user
 * finished, 1 otherwise. Sizes are checked, and the server's memory estimated against the heap, before anything is
 * allocated.
 */
public final class ServeCommand implements Command {

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String description() {
        return "Serve a ColA session over gRPC: users connect with 'cola user' and their token";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(FtaasCommand.opt("model", "M", "base model: mlp, encoder, decoder, seq2seq (default mlp)"))
                .addOption(FtaasCommand.opt("preset", "tiny|small", "size of a transformer base (default small)"))
                .addOption(FtaasCommand.opt("sites", "S1,S2,...",
                        "adapted site-name suffixes of a transformer (default attn.query,attn.value)"))
                .addOption(FtaasCommand.opt("cache", "DIR",
                        "pretrained-checkpoint cache (default $COLA_CACHE or .cache/cola4j)"))
                .addOption(FtaasCommand.opt("eval", "N",
                        "held-out examples per user evaluation of a transformer task (default 256)"))
                .addOption(FtaasCommand.opt("users", "K", "users of the session, one token each (default 2)"))
                .addOption(FtaasCommand.opt("tokens", "DIR", "where to write user-<k>.token (mode 0600); required"))
                .addOption(FtaasCommand.opt("port", "P", "TCP port (default 50051; 0 picks a free one, printed)"))
                .addOption(FtaasCommand.opt("bind", "ADDR", "address to listen on (default 127.0.0.1)"))
                .addOption(FtaasCommand.opt("steps", "N", "server steps (default 100)"))
                .addOption(FtaasCommand.opt("rows", "B", "examples per user per step (default 32)"))
                .addOption(Option.builder().longOpt("merged")
                        .desc("merge each user's ΔW into the base, per-user sub-batches").build())
                .addOption(Option.builder().longOpt("merged-average")
                        .desc("merge the mean ΔW of the step's users once (for mutually trusting users)").build())
                .addOption(FtaasCommand.opt("step-timeout", "MS",
                        "how long a step waits for each user's message (default 30000)"))
                .addOption(FtaasCommand.opt("start-timeout", "MS",
                        "how long to wait for all users to attach (default 300000)"))
                .addOption(FtaasCommand.opt("max-users", "N",
                        "refuse --users above N (default 64, at most " + SessionLimits.MAX_USERS + ")"))
                .addOption(FtaasCommand.opt("transfer-dtype", "float32|bf16",
                        "adaptation data on the wire (default float32)"))
                .addOption(FtaasCommand.opt("seed", "S", "seed of base, users and data (default 0)"))
                .addOption(FtaasCommand.opt("pretrain-steps", "N", "pretraining steps of the base (default 300)"))
                .addOption(FtaasCommand.opt("tls-cert", "PEM",
                        "serve TLS with this certificate chain (with --tls-key)"))
                .addOption(FtaasCommand.opt("tls-key", "PEM", "private key of --tls-cert (PKCS#8 PEM)"))
                .addOption(FtaasCommand.opt("json", "FILE",
                        "also write the users' results as JSON (checked before the run)"));
    }

    @Override
    public int run(CommandLine cl, Io io) throws Exception {
        String model = Args.choice(cl, "model", "mlp", List.of("mlp", "encoder", "decoder", "seq2seq"));
        boolean mlp = model.equals("mlp");
        String preset = Args.choice(cl, "preset", "small", Workloads.presets());
        int eval = Args.intValue(cl, "eval", 256, 1, Limits.MAX_EVAL);
        Path cacheDir = Args.path(cl, "cache");
        List<String> sites = FtaasCommand.sites(cl, mlp);
        int maxUsers = Args.intValue(cl, "max-users", 64, 1, Limits.MAX_USERS);
        int users = Args.intValue(cl, "users", 2, 1, Limits.MAX_USERS);
        if (users > maxUsers) throw new UsageException("--users " + users + " exceeds --max-users " + maxUsers);
        int steps = bounded(cl, "steps", 100, SessionLimits.MAX_STEPS),
                rows = bounded(cl, "rows", 32, SessionLimits.MAX_ROWS);
        int port = Args.intValue(cl, "port", 50051, 0, Limits.MAX_PORT);
        long stepTimeout = Args.intValue(cl, "step-timeout", 30_000, 1, Limits.MAX_MILLIS),
                startTimeout = Args.intValue(cl, "start-timeout", 300_000, 1, Limits.MAX_MILLIS);
        int seed = Args.seed(cl, "seed", 0);
        Integer pre = cl.hasOption("pretrain-steps") || mlp
                ? bounded(cl, "pretrain-steps", 300, Limits.MAX_STEPS) : null;
        ColaMode mode = FtaasCommand.mode(cl);
        TransferDtype transfer = TransferDtype.parse(Args.choice(cl, "transfer-dtype", "float32",
                List.of("float32", "bf16")));
        Path dir = Args.path(cl, "tokens"), json = Args.path(cl, "json");
        if (dir == null) throw new UsageException("--tokens DIR is required");
        NetServer.Tls tls = tls(cl);
        if (json != null) FtaasCommand.requireWritable(json);
        String bind = cl.getOptionValue("bind", "127.0.0.1");
        if (tls == null && !UserCommand.loopback(bind, "--bind")) {
            throw new UsageException("--bind " + bind + " is not a loopback address: tokens would cross the network in"
                    + " plaintext; serve TLS (--tls-cert, --tls-key)");
        }

        SessionConfig cfg = new SessionConfig(steps, rows, mode, transfer, steps, seed, 2e-3);
        Map<String, Integer> tokens = Tokens.writeAll(dir, users);
        TenantWorkload<?> w = FtaasCommand.workload(model, preset, seed, pre, sites, eval, cacheDir, io);
        SessionHost<?> host = new SessionHost<>(w, new HostConfig(model, mlp ? DigitShift.KINDS : List.of(),
                cfg, users, seed * 100L + 1, stepTimeout, startTimeout, mlp ? "" : preset, seed), new MemoryLedger());
        requireMemory(host, users, io);
        Server server = NetServer.start(host, tokens, bind, port, tls);
        io.out().println("listening on " + bind + ":" + server.getPort());
        io.out().flush();
        io.err().println("cola serve: " + users + " user(s), tokens in " + dir + ", " + steps + " steps, "
                + mode.cliName() + ", step timeout " + stepTimeout + " ms" + (tls != null ? ", TLS" : ", plaintext"));
        HostOutcome outcome;
        try {
            outcome = host.run();
        } finally {
            server.shutdown();
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) server.shutdownNow();
        }
        Table t = new Table("user", "task", "auxiliary", "served", "skipped", "base " + w.metricName(), w.metricName(),
                "status");
        for (UserResult r : outcome.users()) {
            t.row("user-" + r.user(), r.task(), r.spec(), Integer.toString(r.served()), Integer.toString(r.skipped()),
                    String.format("%.3f", Evaluation.plain(w, w.base(), r.user())),
                    r.value() == null ? "-" : String.format("%.3f", r.value()),
                    r.status() + (r.reason() == null ? "" : ": " + r.reason())
                    + (r.capped() == null ? "" : " (ΔW capped in " + r.capped() + " uploads)"));
        }
        t.print(io.out());
        HostOutcome.Traffic tr = outcome.traffic();
        io.out().printf(
                "messages per step: adaptation data %.1f KiB down; uploads %.1f KiB and training rows %.1f KiB up"
                + " (safetensors bytes; initial replicas %.1f KiB)%n", tr.down() / 1024.0 / steps,
                tr.up() / 1024.0 / steps, tr.batches() / 1024.0 / steps, tr.setupUp() / 1024.0);
        if (json != null) {
            JsonFiles.writeAtomic(json, Map.of("users", outcome.users(), "step_ms", outcome.stepMillis()));
        }
        return outcome.users().stream().allMatch(r -> r.status().equals("finished"))
                && outcome.users().size() == users ? 0 : 1;
    }

    private static int bounded(CommandLine cl, String opt, int dflt, int max) {
        return Args.intValue(cl, opt, dflt, 1, max);
    }

    private static NetServer.Tls tls(CommandLine cl) {
        if (cl.hasOption("tls-cert") != cl.hasOption("tls-key")) {
            throw new UsageException("--tls-cert and --tls-key go together");
        }
        if (!cl.hasOption("tls-cert")) return null;
        File cert = new File(cl.getOptionValue("tls-cert")), key = new File(cl.getOptionValue("tls-key"));
        if (!cert.isFile() || !key.isFile()) throw new UsageException("--tls-cert/--tls-key: no such file");
        try {
            // fail now, not after pretraining
            io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts.forServer(cert, key).build();
        } catch (Exception e) {
            throw new UsageException("--tls-cert/--tls-key: "
                    + "not a usable certificate chain and PKCS#8 private key (PEM): " + e.getMessage()
                    + " (an EC/RSA key in another format: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY8)");
        }
        return new NetServer.Tls(cert, key);
    }

    /**
     * The server's memory for this session, estimated before listening: the base model plus, per user, the messages
     * it may have in flight ({@code Peer.INBOX} of the largest it may send, which also bounds its replica or ΔW and
     * its queued rows) and its adaptation data, twice for the reply outbox and four times for the activations of its
     * rows (a rough factor). Refused with one line when that exceeds the heap.
     */
    static void requireMemory(SessionHost<?> host, int users, Io io) {
        long base = host.baseBytes();
        long perUser = 4L * host.maxMessageBytes() + 6L * host.adaptationBytesPerUser();
        FtaasCommand.requireHeap("serve", base + users * perUser,
                String.format(" (base %.1f MiB + %d users x %.1f MiB)", base / 1048576.0, users, perUser / 1048576.0),
                io);
    }
}
