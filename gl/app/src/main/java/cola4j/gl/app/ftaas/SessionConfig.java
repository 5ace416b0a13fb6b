package cola4j.gl.app.ftaas;

import cola4j.gl.UserFitConfig;
import cola4j.gl.cola.ColaMode;

/**
 * How a session runs (the users' own settings are in {@link UserSpec}).
 *
 * @param steps        server steps N; each step every active user contributes one batch
 * @param rowsPerUser  examples per user per step (a mixed batch has K × rowsPerUser rows)
 * @param mode         ColA mode: unmerged, merged (per-user sub-batches) or merged-average
 * @param transfer     element type of adaptation data on the wire
 * @param evalEvery    evaluate every user's metric every this many steps (and after the last) for learning curves
 * @param dataSeed     seed of the users' data streams (user u draws from Rng(dataSeed·7919 + u))
 * @param fullLr       learning rate of the full fine-tuning baseline (with each user's own optimizer kind)
 * @param fitEpochs    ColA users' passes over each interval's buffer (1 = Gradient Learning exactly; in-process)
 * @param fitBatch     ColA users' rows per optimizer step within a pass (0 = the whole buffer)
 */
public record SessionConfig(int steps, int rowsPerUser, ColaMode mode, TransferDtype transfer, int evalEvery,
                            long dataSeed, double fullLr, int fitEpochs, int fitBatch) {
    public SessionConfig {
        if (steps < 1 || rowsPerUser < 1 || evalEvery < 1) {
            throw new IllegalArgumentException("session: steps, rowsPerUser and evalEvery must be >= 1");
        }
        if (mode == null || transfer == null) {
            throw new IllegalArgumentException("session: mode and transfer are required");
        }
        if (!(fullLr > 0)) throw new IllegalArgumentException("session: fullLr must be > 0, got " + fullLr);
        new UserFitConfig(1, 1.0, fitEpochs, fitBatch);                      // validates epochs and fit batch
    }

    /** One fit pass per interval (Gradient Learning exactly). */
    public SessionConfig(int steps, int rowsPerUser, ColaMode mode, TransferDtype transfer, int evalEvery,
                         long dataSeed, double fullLr) {
        this(steps, rowsPerUser, mode, transfer, evalEvery, dataSeed, fullLr, 1, 0);
    }

    /** The same config with another mode. */
    public SessionConfig withMode(ColaMode m) {
        return new SessionConfig(steps, rowsPerUser, m, transfer, evalEvery, dataSeed, fullLr, fitEpochs, fitBatch);
    }

    /** The same config with another transfer dtype. */
    public SessionConfig withTransfer(TransferDtype t) {
        return new SessionConfig(steps, rowsPerUser, mode, t, evalEvery, dataSeed, fullLr, fitEpochs, fitBatch);
    }

    /** The same config with E fit epochs of {@code batch} rows (0 = all) for the ColA users. */
    public SessionConfig withFit(int epochs, int batch) {
        return new SessionConfig(steps, rowsPerUser, mode, transfer, evalEvery, dataSeed, fullLr, epochs, batch);
    }

    /** User u's data stream seed. */
    public long dataSeed(int user) {
        return dataSeed * 7919L + user;
    }
}
