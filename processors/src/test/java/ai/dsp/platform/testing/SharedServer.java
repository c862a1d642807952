package ai.dsp.platform.testing;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One server shared by all tests of this JVM: started on first use, closed when the JVM exits.
 * A failed start is remembered, so later tests fail fast instead of waiting for the start
 * timeout again.
 */
final class SharedServer<T extends AutoCloseable> {

    private final String name;
    private final Supplier<T> create;
    private final Consumer<T> start;
    private T server;
    private RuntimeException startFailure;

    SharedServer(String name, Supplier<T> create, Consumer<T> start) {
        this.name = name;
        this.create = create;
        this.start = start;
    }

    synchronized T get() {
        if (startFailure != null) {
            throw new IllegalStateException("the shared " + name + " failed to start earlier", startFailure);
        }
        if (server == null) {
            T created = create.get();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(created), name + "-test-server-shutdown"));
            try {
                start.accept(created);
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
            server = created;
        }
        return server;
    }

    private static void closeQuietly(AutoCloseable server) {
        try {
            server.close();
        } catch (Exception e) {
            // the JVM is exiting; the temp folder may stay behind
        }
    }
}
