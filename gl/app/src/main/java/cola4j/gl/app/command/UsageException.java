package cola4j.gl.app.command;

import cola4j.gl.app.cli.Main;

/**
 * A mistake in how the user called {@code cola}: unknown command or option, missing or invalid value.
 * {@link Main} prints its message on one line, adds a usage hint and exits with code 2, without a stack trace.
 */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
