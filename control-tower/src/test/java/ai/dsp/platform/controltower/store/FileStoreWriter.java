package ai.dsp.platform.controltower.store;

import ai.dsp.platform.controltower.store.ManifestVersion.Change;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A second process writing to the same folders as a test, to prove the file store's lock holds
 * across processes: it opens a store, says it is ready, waits for the go, then writes.
 */
public final class FileStoreWriter {

    private FileStoreWriter() {
    }

    /** Runs this class in a new JVM on the test classpath (through an argument file: a long classpath can exceed the OS limit). */
    static Process start(Path manifests, Path history, String projectId, int writes, Path ready, Path go, Path output)
            throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path arguments = Files.writeString(output.resolveSibling("child-classpath.args"),
                "-cp \"" + classpath.replace("\\", "\\\\") + "\"\n");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + arguments, FileStoreWriter.class.getName()));
        for (Object argument : List.of(manifests, history, projectId, writes, ready, go)) {
            command.add(argument.toString());
        }
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(Redirect.appendTo(output.toFile())).start();
    }

    public static void main(String[] args) throws Exception {
        Path manifests = Path.of(args[0]);
        Path history = Path.of(args[1]);
        String projectId = args[2];
        int writes = Integer.parseInt(args[3]);
        Path ready = Path.of(args[4]);
        Path go = Path.of(args[5]);
        ObjectMapper json = new ObjectMapper();
        try (FileManifestStore store = new FileManifestStore(manifests, history, Duration.ofSeconds(1), document -> List.of(),
                (file, reason) -> { })) {
            Files.createFile(ready);
            Instant deadline = Instant.now().plusSeconds(30);
            while (!Files.exists(go)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("no go within 30 s");
                }
                Thread.sleep(2);
            }
            for (int i = 0; i < writes; i++) {
                ObjectNode document = json.createObjectNode().put("project_id", projectId).put("description", "child " + i);
                store.write(projectId, document, Precondition.any(), new VersionInfo(Change.UPDATED, "child", "race"));
            }
        }
    }
}
