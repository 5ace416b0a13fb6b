package cola4j.gl.optim;

/**
 * Hyper-parameters of {@link Sgd} (the names and meanings of PyTorch's {@code torch.optim.SGD}).
 *
 * @param lr          learning rate η (> 0 typical; 0 allowed for dry runs)
 * @param momentum    momentum factor μ in [0, 1); 0 disables the momentum buffer
 * @param dampening   dampening τ in [0, 1] applied to the gradient when it enters the buffer (after the first step)
 * @param weightDecay L2 penalty λ >= 0, added to the gradient as λ·p (coupled weight decay)
 * @param nesterov    Nesterov momentum; requires momentum > 0 and dampening = 0 (as PyTorch)
 */
public record SgdConfig(double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
    public SgdConfig {
        if (!(lr >= 0) || !Double.isFinite(lr)) throw fail("lr must be finite and >= 0, got " + lr);
        if (!(momentum >= 0 && momentum < 1)) throw fail("momentum must be in [0, 1), got " + momentum);
        if (!(dampening >= 0 && dampening <= 1)) throw fail("dampening must be in [0, 1], got " + dampening);
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw fail("weightDecay must be finite and >= 0, got " + weightDecay);
        }
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw fail("nesterov momentum requires momentum > 0 and dampening = 0, got momentum " + momentum
                    + ", dampening " + dampening);
        }
    }

    /** The validation error "sgd: what". */
    private static IllegalArgumentException fail(String what) {
        return new IllegalArgumentException("sgd: " + what);
    }

    /** Plain gradient descent p ← p − η·g. */
    public static SgdConfig plain(double lr) {
        return new SgdConfig(lr, 0, 0, 0, false);
    }
}
