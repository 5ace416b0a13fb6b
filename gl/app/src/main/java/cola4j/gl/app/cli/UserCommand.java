package cola4j.gl.app.cli;

import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.Limits;
import cola4j.gl.app.command.Command;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.ftaas.DigitsData;
import cola4j.gl.app.ftaas.SessionLimits;
import cola4j.gl.app.ftaas.TenantData;
import cola4j.gl.app.ftaas.WorkloadTenants;
import cola4j.gl.app.workload.Workloads;
import cola4j.gl.app.ftaas.grpc.RemoteUser;
import cola4j.gl.app.ftaas.grpc.SessionInfo;
import cola4j.gl.app.ftaas.grpc.TokenAuth;
import cola4j.gl.app.ftaas.grpc.Tokens;
import cola4j.gl.app.ftaas.grpc.UserResult;
import cola4j.gl.app.ftaas.grpc.proto.AttachRequest;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.optim.OptimizerKind;
import cola4j.models.data.DigitsFamily;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code cola user}: one user device as its own process. Presents its token, attaches with its auxiliary choice,
 * draws its own training rows, fits its auxiliary by Gradient Learning from the adaptation data it receives, and
 * prints its result at the end of the session (exit 0). A refusal (bad token, bad choice, server gone) is one line on
 * stderr and exit 1. The token goes in plaintext only to a loopback address; elsewhere TLS ({@code --tls-ca}) is
 * required.
 */
public final class UserCommand implements Command {
    @Override
    public String name() {
        return "user";
    }

    @Override
    public String description() {
        return "Take part in a 'cola serve' session as one user device (token file, auxiliary choice)";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(FtaasCommand.opt("server", "HOST:PORT", "the server (required)"))
                .addOption(FtaasCommand.opt("token-file", "FILE",
                        "this user's token, as written by cola serve (required)"))
                .addOption(FtaasCommand.opt("task", "T",
                        "this user's task, one of the session's (default: the one the server assigns)"))
                .addOption(FtaasCommand.opt("aux", "lowrank|linear|mlp", "auxiliary type (default lowrank)"))
                .addOption(FtaasCommand.opt("rank", "R", "rank of a lowrank auxiliary (default 8)"))
                .addOption(FtaasCommand.opt("mlp-hidden", "H", "hidden width of an mlp auxiliary (default 32)"))
                .addOption(FtaasCommand.opt("interval", "I", "adaptation interval: batches per fit (default 1)"))
                .addOption(FtaasCommand.opt("optimizer", "O", "sgd, adam or adamw (default adamw)"))
                .addOption(FtaasCommand.opt("lr", "LR", "learning rate (default 0.02)"))
                .addOption(FtaasCommand.opt("connect-timeout", "MS",
                        "how long to wait for the server to be reachable (default 30000)"))
                .addOption(FtaasCommand.opt("tls-ca", "PEM",
                        "trust this certificate (the server's, or its CA) and use TLS"))
                .addOption(FtaasCommand.opt("json", "FILE", "also write this user's result as JSON"));
    }

    @Override
    public int run(CommandLine cl, Io io) throws Exception {
        String server = cl.getOptionValue("server");
        if (server == null) throw new UsageException("--server HOST:PORT is required");
        int colon = server.lastIndexOf(':');
        if (colon <= 0) throw new UsageException("--server: expected HOST:PORT, got '" + server + "'");
        String host = server.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(server.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new UsageException("--server: port '" + server.substring(colon + 1) + "' is not a number");
        }
        if (port < 1 || port > 65535) throw new UsageException("--server: port must be 1..65535");
        Path tokenFile = Args.path(cl, "token-file");
        if (tokenFile == null) throw new UsageException("--token-file FILE is required");
        AuxiliaryKind aux = AuxiliaryKind.parseUserChoice(Args.choice(cl, "aux", "lowrank",
                AuxiliaryKind.userChoiceNames()));
        OptimizerKind opt = OptimizerKind.parse(Args.choice(cl, "optimizer", "adamw", OptimizerKind.names()));
        AttachRequest request = AttachRequest.newBuilder().setAux(aux.cliName())
                .setRank(Args.intValue(cl, "rank", 8, 1, SessionLimits.NET_MAX_RANK))
                .setMlpHidden(Args.intValue(cl, "mlp-hidden", 32, 1, SessionLimits.NET_MAX_MLP_HIDDEN))
                .setInterval(Args.intValue(cl, "interval", 1, 1, SessionLimits.NET_MAX_INTERVAL))
                .setOptimizer(opt.cliName()).setLr(lr(cl)).setTask(cl.getOptionValue("task", "")).build();
        int connectTimeout = Args.intValue(cl, "connect-timeout", 30_000, 1, Limits.MAX_MILLIS);
        Path json = Args.outputFile(cl, "json");
        ChannelCredentials creds;
        if (cl.hasOption("tls-ca")) {
            File ca = new File(cl.getOptionValue("tls-ca"));
            if (!ca.isFile()) throw new UsageException("--tls-ca: no such file " + ca);
            creds = TlsChannelCredentials.newBuilder().trustManager(ca).build();
        } else if (loopback(host, "--server")) {
            creds = InsecureChannelCredentials.create();
        } else {
            throw new UsageException("--server " + host + " is not a loopback address: the token needs TLS (--tls-ca)");
        }
        String token;
        try {
            token = Tokens.read(tokenFile);
        } catch (IOException e) {
            io.err().println("cola user: " + e.getMessage());
            return 1;
        }
        ManagedChannel ch = NettyChannelBuilder.forAddress(host, port, creds).maxInboundMessageSize(512 << 20).build();
        try {
            @SuppressWarnings("unchecked")
            RemoteUser<?> user = new RemoteUser<Object>(ch, TokenAuth.credentials(token), request, i -> data(i))
                    .connectTimeout(connectTimeout);
            UserResult r = user.run((step, d) -> { });
            SessionInfo info = user.info();
            io.out().printf("user-%d (%s, %s): %s %s after %d steps served, %d skipped; %s%n", r.user(), r.task(),
                    r.spec(), r.metric(), r.value() == null ? "-" : String.format("%.3f", r.value()), r.served(),
                    r.skipped(),
                    r.status() + (r.reason() == null ? "" : ": " + r.reason()));
            if (json != null) JsonFiles.writeAtomic(json, r);
            return r.status().equals("finished") && info != null ? 0 : 1;
        } catch (RemoteUser.Failure e) {
            io.err().println("cola user: " + e.getMessage());
            return 1;
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /**
     * The user's own data: the digits with the session's shift kinds, or a transformer family's task generators
     * (built with the session's preset and seed; the user's copy of that model is never used).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static TenantData data(SessionInfo info) {
        if (!info.model().equals("mlp")) {
            return WorkloadTenants.userData(Workloads.create(info.model(), info.preset(), info.dtype(),
                    info.baseSeed()));
        }
        DigitsData d = new DigitsData(new DigitsFamily(), info.kinds());
        d.choose(info.userId(), info.task());   // the task the server confirmed (assigned or chosen)
        return d;
    }

    /** Whether {@code host} is a loopback address; an unknown host is a usage error naming {@code option}. */
    /** {@code --lr}: finite, &gt; 0 and at most {@link SessionLimits#NET_MAX_LR} (the server's bound). */
    private static double lr(CommandLine cl) {
        double lr = Args.doubleValue(cl, "lr", 0.02);
        if (!(lr > 0) || lr > SessionLimits.NET_MAX_LR) {
            throw new UsageException("--lr must be in (0, " + SessionLimits.NET_MAX_LR + "], got " + lr);
        }
        return lr;
    }

    static boolean loopback(String host, String option) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new UsageException(option + ": unknown host " + host);
        }
    }
}
