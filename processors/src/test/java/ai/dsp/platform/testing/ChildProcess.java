package ai.dsp.platform.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A process the tests run beside themselves (a server, or the app in a JVM of its own), its
 * output appended to a file, stopped with its whole process tree. Also the helpers such tests
 * share: free loopback ports, temp folders.
 */
public final class ChildProcess {

    private final Process process;

    private ChildProcess(Process process) {
        this.process = process;
    }

    /** Runs {@code command} with these extra environment variables, its output appended to {@code output}. */
    public static ChildProcess start(List<String> command, Map<String, String> environment, Path output) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                // the OS writes the output straight to the file: no pipe to drain, none to block on
                .redirectOutput(Redirect.appendTo(output.toFile()));
        builder.environment().putAll(environment);
        try {
            return new ChildProcess(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot launch " + command.get(0), e);
        }
    }

    /**
     * Runs a server's {@code command} and waits until {@code answers} says it serves. A server that
     * exits or does not answer within {@code timeout} is stopped, and the failure carries the end of
     * its output: the one way the harness starts a server binary.
     */
    public static ChildProcess startServer(String name, List<String> command, Map<String, String> environment, Path output,
                                           Duration timeout, BooleanSupplier answers) {
        return awaitAnswering(name, start(command, environment, output), output, timeout, answers);
    }

    /** Waits until a just launched {@code server} answers, as {@link #startServer} does. */
    public static ChildProcess awaitAnswering(String name, ChildProcess server, Path output, Duration timeout, BooleanSupplier answers) {
        Instant deadline = Instant.now().plus(timeout);
        while (!answers.getAsBoolean()) {
            if (!server.alive() || Instant.now().isAfter(deadline)) {
                String tail = tail(output, 30);
                server.stop(Duration.ofSeconds(5), Duration.ofSeconds(5));
                throw new IllegalStateException(name + " did not answer:\n" + tail);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                server.stop(Duration.ofSeconds(5), Duration.ofSeconds(5));
                throw new IllegalStateException("interrupted while waiting for " + name);
            }
        }
        return server;
    }

    /**
     * Runs {@code mainClass} in a new JVM on this JVM's test classpath. The classpath goes through
     * an argument file in {@code workDir}: a long one can exceed the OS limit for one argument.
     */
    public static ChildProcess java(String mainClass, List<String> jvmOptions, List<String> arguments, Path workDir, Path output) {
        return java(mainClass, jvmOptions, arguments, workDir, output, UnaryOperator.identity());
    }

    /** As above, on the test classpath's entries as {@code classpath} changes them (a server that needs other versions of some jars). */
    public static ChildProcess java(String mainClass, List<String> jvmOptions, List<String> arguments, Path workDir, Path output,
                                    UnaryOperator<List<String>> classpath) {
        Path classpathFile = workDir.resolve("classpath.args");
        try {
            Files.writeString(classpathFile, classpathArgument(classpath.apply(testClasspath())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + classpathFile, e);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("@" + classpathFile);
        command.add(mainClass);
        command.addAll(arguments);
        return start(command, Map.of(), output);
    }

    /** The process and every process it started. */
    private List<ProcessHandle> tree() {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        return tree;
    }

    public boolean alive() {
        return process.isAlive();
    }

    public int exitValue() {
        return process.exitValue();
    }

    /** Waits up to {@code timeout} for the process to end; true if it has. */
    public boolean awaitExit(Duration timeout) {
        return awaitAll(List.of(process.toHandle()), timeout);
    }

    /**
     * Asks the process to stop (SIGTERM, so its shutdown hooks run), waits for the whole tree up to
     * {@code grace}, then kills what is left and waits up to {@code killTimeout}.
     */
    public void stop(Duration grace, Duration killTimeout) {
        List<ProcessHandle> tree = tree();
        process.destroy();
        if (!awaitAll(tree, grace)) {
            tree.forEach(ProcessHandle::destroyForcibly);
            awaitAll(tree, killTimeout);
        }
    }

    /** The last lines of a child's output file, for a failure message. */
    public static String tail(Path output, int lines) {
        try {
            List<String> all = new String(Files.readAllBytes(output), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + output + ": " + e + ")";
        }
    }

    /** Held open together so the ports differ; the tiny race until the child binds them is accepted. */
    public static int[] freeLoopbackPorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        } finally {
            sockets.forEach(ChildProcess::closeQuietly);
        }
    }

    public static Path tempDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp folder " + prefix + "*", e);
        }
    }

    public static void deleteRecursively(Path root) {
        if (Files.notExists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    /**
     * Surefire may start the tests from a manifest-only jar; {@code surefire.test.class.path} then
     * still names the real entries.
     */
    private static List<String> testClasspath() {
        return List.of(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")).split(File.pathSeparator));
    }

    private static String classpathArgument(List<String> entries) {
        return "-cp \"" + String.join(File.pathSeparator, entries).replace("\\", "\\\\") + "\"\n";
    }

    private static boolean awaitAll(List<ProcessHandle> processes, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        for (ProcessHandle handle : processes) {
            try {
                long remaining = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
                handle.onExit().get(remaining, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the port is released either way
        }
    }
}
