package cola4j.gl.app.train;

import java.io.IOException;

/**
 * A training checkpoint that must not be used: its manifest does not verify, or its content fails a cross-check
 * ({@link CheckpointAudit}). The message is one line naming the checkpoint and the file or field that is wrong.
 */
public final class CheckpointException extends IOException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
