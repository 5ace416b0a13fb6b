package cola4j.gl.app.cli;

import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.app.command.Args;
import cola4j.models.site.Site;
import cola4j.gl.app.command.Limits;
import cola4j.gl.app.command.Command;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.io.Io;

import cola4j.gl.verify.Fixture;
import cola4j.gl.verify.IntervalWalkthrough;
import cola4j.gl.verify.MergedWalkthrough;
import cola4j.gl.verify.UsersWalkthrough;
import cola4j.gl.verify.Walkthrough;
import cola4j.models.DecoderLMConfig;
import cola4j.models.DecoderLM;
import cola4j.tensor.DType;
import cola4j.tensor.Rng;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola explain}: one ColA step on the tiny decoder, printed step by step with shapes and norms
 * ({@link Walkthrough}); {@code --merged}, {@code --interval I} and {@code --users K} walk through a merged pass
 * ({@link MergedWalkthrough}), an adaptation interval ({@link IntervalWalkthrough}) and a mixed batch of K users
 * ({@link UsersWalkthrough}) instead.
 */
public final class ExplainCommand implements Command {
    /** Bounds of {@code --interval} and {@code --users} (a walk-through prints every batch and every user). */
    static final int MAX_INTERVAL = 64, MAX_USERS = 8;

    @Override
    public String name() {
        return "explain";
    }

    @Override
    public String description() {
        return "Walk through one ColA step at one site, printing every quantity";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("aux").hasArg().argName("lowrank|linear|mlp")
                        .desc("auxiliary type (default lowrank)").build())
                .addOption(Option.builder().longOpt("site").hasArg().argName("NAME")
                        .desc("site of the tiny decoder (default blocks.0.attn.query)").build())
                .addOption(Option.builder().longOpt("dtype").hasArg().argName("float64|float32")
                        .desc("element type (default float64)").build())
                .addOption(Option.builder().longOpt("seed").hasArg().argName("S").desc("seed (default 0)").build())
                .addOption(Option.builder().longOpt("merged")
                        .desc("walk through a merged pass: W0 + dW, the forward, the restore (SHA-256 of the base)")
                        .build())
                .addOption(Option.builder().longOpt("interval").hasArg().argName("I")
                        .desc("walk through an adaptation interval of I batches, 1-" + MAX_INTERVAL
                                + " (buffer, accumulated gradient, step)").build())
                .addOption(Option.builder().longOpt("users").hasArg().argName("K")
                        .desc("walk through one mixed batch of K users, 2-" + MAX_USERS
                                + " (rows, dL/dh per user, each user's fit)").build());
    }

    /** The sites the walkthrough accepts: the tiny decoder's linear sites, in model order (no embeddings). */
    static List<String> linearSites() {
        return new DecoderLM(DecoderLMConfig.tiny(), new Rng(0)).sites().values().stream()
                .filter(x -> x.kind() == Site.Kind.LINEAR).map(Site::name).toList();
    }

    @Override
    public int run(CommandLine cl, Io io) {
        AuxiliaryKind aux = AuxiliaryKind.parseUserChoice(Args.choice(cl, "aux", "lowrank",
                AuxiliaryKind.userChoiceNames()));
        DType dtype = DType.parse(Args.choice(cl, "dtype", "float64", List.of("float64", "float32")));
        String site = cl.getOptionValue("site", "blocks.0.attn.query");
        List<String> names = linearSites();
        if (!names.contains(site)) {
            throw new UsageException("--site: '" + site + "' is not a linear site of the tiny decoder; available: "
                    + names + (site.startsWith("embed.")
                    ? " (embedding sites take the 'embedding' auxiliary; see cola verify)" : ""));
        }
        Fixture fx = new Fixture(dtype, Args.seed(cl, "seed", 0));
        int modes = (cl.hasOption("merged") ? 1 : 0) + (cl.hasOption("interval") ? 1 : 0)
                + (cl.hasOption("users") ? 1 : 0);
        if (modes > 1) throw new UsageException("choose one of --merged, --interval and --users");
        if (cl.hasOption("merged")) {
            if (!aux.mergeable()) throw new UsageException("--merged needs --aux lowrank or linear, got " + aux);
            new MergedWalkthrough(io.out()).run(fx, aux, site);
        } else if (cl.hasOption("interval")) {
            int i = Args.intValue(cl, "interval", 3, 1, MAX_INTERVAL);
            new IntervalWalkthrough(io.out()).run(fx, aux, site, i);
        } else if (cl.hasOption("users")) {
            int k = Args.intValue(cl, "users", 3, 2, MAX_USERS);
            new UsersWalkthrough(io.out()).run(fx, aux, site, k);
        } else {
            new Walkthrough(io.out()).run(fx, aux, site);
        }
        return 0;
    }
}
