package cola4j.gl.app.ftaas;

import cola4j.tensor.Tensor;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Who knows what: for one session, every tensor each party (the server, user-k) received, recorded where messages
 * are decoded (the transport boundary: {@link LedgerTransport} in process, {@code SessionHost} and
 * {@code RemoteUser} over gRPC), classified by the message kind and the tensor name:
 * <pre>
 *   adaptation data   i/&lt;site&gt;/x → INPUT    i/&lt;site&gt;/grad_h (grad_h_idx, grad_h_proj) → HIDDEN_GRADIENT
 *   upload         &lt;site&gt;/delta_weight, delta_bias → DELTA         a name holding "grad" → PARAMETER_GRADIENT
 *                     any other &lt;site&gt;/&lt;param&gt; → AUXILIARY_PARAMETERS (w: replica, final evaluation)
 *   batch             every tensor → TRAINING_ROWS                 anything else → OTHER
 * </pre>
 * The claims ({@link #violations}): the server receives only training rows, w (unmerged) or ΔW (merged), never
 * dL/dw (no PARAMETER_GRADIENT); a user receives only INPUT and HIDDEN_GRADIENT tensors of its own rows: never base
 * weights, the loss or anything else (OTHER), never a tensor a user of another id sent. That a user's rows are its
 * own is checked against the sampled batches in {@code KnowledgeLedgerTest}.
 */
public final class KnowledgeLedger {
    /** What a received tensor is. */
    public enum Item {
        INPUT("x, inputs of the adapted sites (own rows)"),
        HIDDEN_GRADIENT("dL/dh at the adapted sites (own rows)"),
        TRAINING_ROWS("training rows of the sender"),
        AUXILIARY_PARAMETERS("w, the sender's auxiliary parameters (unmerged replica)"),
        DELTA("ΔW, Δb of the sender's auxiliaries (merged)"),
        PARAMETER_GRADIENT("dL/dw, a parameter gradient"),
        OTHER("anything else (base weights, loss, ...)");

        public final String description;

        Item(String description) {
            this.description = description;
        }
    }

    /** Per party and item: tensors, elements and messages received, and from whom. */
    private final Map<String, Map<Item, long[]>> counts = new TreeMap<>();
    private final Map<String, Set<String>> senders = new TreeMap<>();

    /** Records a decoded message {@code kind} (adaptation_data, auxiliary_upload, batch) that {@code party} got. */
    public synchronized void received(String party, String from, String kind, Map<String, Tensor> tensors) {
        Map<Item, long[]> m = counts.computeIfAbsent(party, p -> new TreeMap<>());
        Set<Item> seen = EnumSet.noneOf(Item.class);
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Item item = classify(kind, e.getKey());
            long[] c = m.computeIfAbsent(item, i -> new long[3]);
            c[0]++;
            c[1] += e.getValue().numel();
            if (seen.add(item)) c[2]++;
            senders.computeIfAbsent(party + " " + item, k -> new java.util.TreeSet<>()).add(from);
        }
    }

    /** The class of tensor {@code name} in a message of {@code kind}. */
    public static Item classify(String kind, String name) {
        String leaf = name.substring(name.lastIndexOf('/') + 1);
        return switch (kind) {
            case "adaptation_data", CompressedTransport.KIND -> leaf.equals("x") ? Item.INPUT
                    : leaf.equals("grad_h") || leaf.equals("grad_h_idx") || leaf.equals("grad_h_proj")
                    ? Item.HIDDEN_GRADIENT : Item.OTHER;
            case "auxiliary_upload" -> leaf.contains("grad") ? Item.PARAMETER_GRADIENT
                    : leaf.equals("delta_weight") || leaf.equals("delta_bias") ? Item.DELTA
                    : name.indexOf('/') > 0 ? Item.AUXILIARY_PARAMETERS : Item.OTHER;
            case "batch" -> Item.TRAINING_ROWS;
            default -> Item.OTHER;
        };
    }

    /** The items {@code party} received. */
    public synchronized Set<Item> items(String party) {
        Map<Item, long[]> m = counts.get(party);
        return m == null ? EnumSet.noneOf(Item.class) : EnumSet.copyOf(m.keySet());
    }

    /** The parties that received something. */
    public synchronized Set<String> parties() {
        return Set.copyOf(counts.keySet());
    }

    /** Broken claims, one line each (empty: every claim holds). */
    public synchronized List<String> violations() {
        List<String> out = new ArrayList<>();
        Set<Item> server = EnumSet.of(Item.TRAINING_ROWS, Item.AUXILIARY_PARAMETERS, Item.DELTA);
        Set<Item> user = EnumSet.of(Item.INPUT, Item.HIDDEN_GRADIENT);
        counts.forEach((party, m) -> {
            boolean isServer = party.equals("server");
            for (Item i : m.keySet()) {
                if (!(isServer ? server : user).contains(i)) out.add(party + " received " + i + " (" + i.description
                        + ")");
                if (!isServer && !senders.get(party + " " + i).equals(Set.of("server"))) {
                    out.add(party + " received " + i + " from " + senders.get(party + " " + i));
                }
                if (isServer && senders.get(party + " " + i).contains("server")) out.add("server received from itself");
            }
        });
        return out;
    }

    /** The ledger as a table and the claims with their verdict. */
    public synchronized void print(PrintStream out) {
        out.println("who knows what (tensors received per party, recorded where messages are decoded):");
        out.printf("%-8s  %-22s  %8s  %12s  %8s  %s%n", "party", "received", "tensors", "elements", "messages", "from");
        counts.forEach((party, m) -> m.forEach((i, c) -> out.printf("%-8s  %-22s  %8d  %12d  %8d  %s%n", party,
                i.name().toLowerCase(), c[0], c[1], c[2], String.join(",", senders.get(party + " " + i)))));
        List<String> v = violations();
        out.println("claims: the server never receives dL/dw (only training rows and w or ΔW); a user receives only x"
                + " and dL/dh of its own rows from the server (never base weights, the loss or another user's data): "
                + (v.isEmpty() ? "PASS" : "FAIL: " + String.join("; ", v)));
    }
}
