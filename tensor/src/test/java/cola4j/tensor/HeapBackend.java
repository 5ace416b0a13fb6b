package cola4j.tensor;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Pins a test class to the {@link Backend#HEAP} backend, also in an {@code -Pnd4j-tests} run: for tests of heap-only
 * machinery (OpenBLAS native mirrors and scratch, bit-exact float32 fast paths) that the ND4J backend does not have.
 */
final class HeapBackend implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(HeapBackend.class);

    @Override
    public void beforeEach(ExtensionContext c) {
        c.getStore(NS).put("previous", Backend.select(Backend.HEAP));
    }

    @Override
    public void afterEach(ExtensionContext c) {
        Backend.select(c.getStore(NS).get("previous", Backend.class));
    }
}
