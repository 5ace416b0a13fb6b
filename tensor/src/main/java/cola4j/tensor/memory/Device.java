package cola4j.tensor.memory;

/**
 * A party whose memory is accounted separately, named like {@code "server"} or {@code "user-3"}.
 * It is a label only: tensors live on the JVM heap regardless.
 *
 * @param name non-blank identifier, unique per party
 */
public record Device(String name) {
    public Device {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("device: name must be non-blank, got '" + name + "'");
        }
    }

    /** Shorthand for {@code new Device(name)}. */
    public static Device of(String name) {
        return new Device(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
