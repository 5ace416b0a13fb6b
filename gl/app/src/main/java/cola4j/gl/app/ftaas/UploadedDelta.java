package cola4j.gl.app.ftaas;

import cola4j.autograd.Var;
import cola4j.gl.auxiliary.AuxiliaryKind;
import cola4j.gl.auxiliary.AuxiliaryModel;
import cola4j.tensor.Tensor;
import java.util.LinkedHashMap;

/**
 * What the server of merged ColA knows of a user's auxiliary at one site: the uploaded ΔW [out, in] (and Δb [out]),
 * valid for one server step. It can only be merged (W ← W + ΔW); evaluating it as a module is refused, so a merged
 * server provably never runs a user's auxiliary model.
 */
final class UploadedDelta implements AuxiliaryModel {
    private final Tensor dw, db;

    UploadedDelta(Tensor dw, Tensor db) {
        this.dw = dw;
        this.db = db;
    }

    @Override
    public Var apply(Var x) {
        throw new UnsupportedOperationException("an uploaded delta can only be merged into the base weights");
    }

    @Override
    public Var applyFrozen(Var x) {
        return apply(x);
    }


    @Override
    public Tensor deltaWeight() {
        return dw;
    }

    @Override
    public Tensor deltaBias() {
        return db;
    }

    @Override
    public int inFeatures() {
        return dw.dim(1);
    }

    @Override
    public int outFeatures() {
        return dw.dim(0);
    }

    /** LINEAR: an uploaded ΔW acts as the full-rank linear auxiliary x·ΔWᵀ (+ Δb), whatever the user trained. */
    @Override
    public AuxiliaryKind kind() {
        return AuxiliaryKind.LINEAR;
    }

    @Override
    public cola4j.tensor.DType dtype() {
        return dw.dtype();
    }

    /** No trainable parameters on the server. */
    @Override
    public LinkedHashMap<String, Var> namedParameters() {
        return new LinkedHashMap<>();
    }

    /** Bytes held (ΔW + Δb). */
    long bytes() {
        return dw.bytes() + (db == null ? 0 : db.bytes());
    }
}
