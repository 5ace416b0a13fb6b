package cola4j.gl.app.ftaas;

import cola4j.gl.AdaptationData;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A {@link Transport} that records in a {@link KnowledgeLedger} what each receiver decoded from {@code inner}: user
 * u the adaptation data of a down message ({@code i/<site>/x}, {@code i/<site>/grad_h}), the server the tensors of
 * an upload. The users' training rows reach the in-process server directly (not through a transport), so they
 * appear only in the ledger of a gRPC session. An addition around any transport; it changes no byte.
 */
public final class LedgerTransport implements Transport {
    private final Transport inner;
    private final KnowledgeLedger ledger;

    public LedgerTransport(Transport inner, KnowledgeLedger ledger) {
        this.inner = inner;
        this.ledger = ledger;
    }

    @Override
    public List<AdaptationData> down(int user, List<AdaptationData> data) {
        List<AdaptationData> got = inner.down(user, data);
        LinkedHashMap<String, Tensor> seen = new LinkedHashMap<>();
        for (int i = 0; i < got.size(); i++) {
            seen.put(i + "/" + got.get(i).site() + "/x", got.get(i).x());
            seen.put(i + "/" + got.get(i).site() + "/grad_h", got.get(i).gradH());
        }
        ledger.received("user-" + user, "server", "adaptation_data", seen);
        return got;
    }

    @Override
    public LinkedHashMap<String, Tensor> up(int user, LinkedHashMap<String, Tensor> tensors) {
        LinkedHashMap<String, Tensor> got = inner.up(user, tensors);
        ledger.received("server", "user-" + user, "auxiliary_upload", got);
        return got;
    }

    @Override
    public TransferStats stats() {
        return inner.stats();
    }
}
