package cola4j.gl.app.cli;

import cola4j.gl.app.command.Args;
import cola4j.gl.app.command.Command;
import cola4j.gl.app.command.UsageException;
import cola4j.gl.app.io.Io;
import cola4j.gl.app.io.JsonFiles;
import cola4j.gl.app.train.CheckpointAudit;
import cola4j.gl.app.train.CheckpointManifest;
import cola4j.gl.app.train.TrainConfig;
import cola4j.tensor.io.SafetensorsLayout;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code cola inspect PATH [--json F]}: shows and validates what cola4j wrote.
 * <ul>
 *   <li>a safetensors file: the header (each tensor's name, dtype, shape, data offsets; the metadata), after the
 *       reader's full validation ({@link SafetensorsLayout}); an invalid file fails with the reader's typed error
 *       ({@code safetensors KIND: detail}) as one line, exit 1;</li>
 *   <li>a training checkpoint ({@code cola train}'s output directory or its {@code checkpoint/}): the manifest and
 *       every cross-check of {@link CheckpointAudit}, the config re-validated by {@link TrainConfigRules#revalidate};
 *       prints the manifest, the run's config, step and base model; a failed check is one line, exit 1.</li>
 * </ul>
 * {@code --json F} writes the same as a document ({@code "valid": true}, or {@code "valid": false} with
 * {@code "error"} when the check fails). Nothing is modified (a crashed checkpoint is not recovered here).
 */
public final class InspectCommand implements Command {
    @Override
    public String name() {
        return "inspect";
    }

    @Override
    public String description() {
        return "Show and validate a safetensors file or a training checkpoint (manifest, config, step; --json FILE)";
    }

    @Override
    public String positionals() {
        return "PATH";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("json").hasArg().argName("FILE")
                .desc("Also write the result as JSON to FILE").build());
        return o;
    }

    @Override
    public int run(CommandLine cl, Io io) throws Exception {
        if (cl.getArgList().size() != 1) {
            throw new UsageException("expected one PATH (a .safetensors file or a checkpoint directory), got "
                    + cl.getArgList().size());
        }
        Path path;
        try {
            path = Path.of(cl.getArgList().get(0));
        } catch (java.nio.file.InvalidPathException e) {
            throw new UsageException("invalid path '" + cl.getArgList().get(0) + "': " + e.getReason());
        }
        Path json = Args.path(cl, "json");
        if (!Files.exists(path)) throw new UsageException("no such file or directory: " + path);
        ObjectNode doc = JsonFiles.MAPPER.createObjectNode();
        doc.put("path", path.toString());
        try {
            if (Files.isDirectory(path)) checkpoint(path, doc, io.out());
            else safetensors(path, doc, io.out());
            doc.put("valid", true);
        } catch (IOException | RuntimeException e) {
            doc.put("valid", false);
            doc.put("error", e.getMessage());
            if (json != null) JsonFiles.writeAtomic(json, doc);
            throw e;
        }
        if (json != null) {
            JsonFiles.writeAtomic(json, doc);
            io.err().println("wrote " + json);
        }
        return 0;
    }

    private static void safetensors(Path file, ObjectNode doc, PrintStream out) throws IOException {
        doc.put("kind", "safetensors");
        SafetensorsLayout l = SafetensorsLayout.read(file);
        doc.put("file_bytes", l.fileBytes());
        doc.put("header_bytes", l.headerBytes());
        doc.put("data_start", l.dataStart());
        var ts = doc.putArray("tensors");
        for (SafetensorsLayout.TensorInfo t : l.tensors()) {
            ObjectNode n = ts.addObject();
            n.put("name", t.name());
            n.put("dtype", t.dtype());
            t.shape().forEach(n.putArray("shape")::add);
            n.putArray("data_offsets").add(t.begin()).add(t.end());
        }
        doc.set("metadata", JsonFiles.MAPPER.valueToTree(l.metadata()));
        out.printf("%s: safetensors, valid: %d bytes, header %d bytes, data from byte %d, %d tensors%n", file,
                l.fileBytes(), l.headerBytes(), l.dataStart(), l.tensors().size());
        int w = 4;
        for (SafetensorsLayout.TensorInfo t : l.tensors()) w = Math.max(w, t.name().length());
        out.printf("  %-" + w + "s  %-5s  %-18s  %s%n", "name", "dtype", "shape", "data_offsets");
        for (SafetensorsLayout.TensorInfo t : l.tensors()) {
            out.printf("  %-" + w + "s  %-5s  %-18s  [%d, %d)%n", t.name(), t.dtype(), t.shape(), t.begin(), t.end());
        }
        for (Map.Entry<String, String> m : l.metadata().entrySet()) {
            out.println("  __metadata__ " + m.getKey() + " = " + m.getValue());
        }
    }

    private static void checkpoint(Path dir, ObjectNode doc, PrintStream out) throws IOException {
        doc.put("kind", "checkpoint");
        CheckpointAudit.Report r = CheckpointAudit.audit(dir, TrainConfigRules::revalidate);
        TrainConfig c = r.state().config();
        CheckpointManifest.Manifest m = r.manifest();
        doc.put("checkpoint", r.dir().toString());
        doc.put("format_version", m.formatVersion());
        doc.set("files", JsonFiles.MAPPER.valueToTree(m.files()));
        doc.put("step", r.state().step());
        doc.set("config", JsonFiles.MAPPER.valueToTree(c));
        doc.set("base_model", JsonFiles.MAPPER.valueToTree(r.state().base()));
        out.printf("%s: cola train checkpoint, valid: manifest verified (%s version %d, %d files), cross-checks "
                + "passed%n", r.dir(), m.format(), m.formatVersion(), m.files().size());
        for (CheckpointManifest.Entry e : m.files()) {
            out.printf("  %-40s %10d bytes  sha256 %s%n", e.path(), e.size(), e.sha256());
        }
        out.printf("step %d of %d (%s %s, task %s, method %s)%n", r.state().step(), c.steps(), c.model(), c.preset(),
                c.task(), c.method().cliName());
        out.println("config:");
        JsonNode cfg = JsonFiles.MAPPER.valueToTree(c);
        for (Iterator<Map.Entry<String, JsonNode>> it = cfg.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            out.printf("  %-14s %s%n", f.getKey(), f.getValue().isTextual() ? f.getValue().asText() : f.getValue());
        }
        out.printf("base model: %s, weights sha256 %s%n", r.state().base().config(), r.state().base().weightsSha256());
    }
}
