package ai.dsp.platform.controltower.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The policies folder: one file per client, written atomically, never a path outside it. */
class PolicyStoreTest {

    @TempDir
    Path dir;

    private static Policy policy(String id, String project) {
        return PolicyDocuments.parse("project: " + project + "\nroles: {reader: [read]}\nuser_roles: {u1: reader}\n", id);
    }

    @Test
    void aPolicyIsStoredAsYamlAndReadBack() throws IOException {
        PolicyStore store = new PolicyStore(dir.resolve("policies"));
        Path file = store.create(policy("client_a", "p1"));

        assertThat(file).isEqualTo(dir.resolve("policies").resolve("client_a.yaml"));
        assertThat(Files.readString(file)).contains("client_id: client_a", "project: p1", "u1: reader");
        assertThat(store.read("client_a")).get().extracting(PolicyStore.Stored::policy).isEqualTo(policy("client_a", "p1"));
        assertThat(store.ids()).containsExactly("client_a");
        assertThat(store.read("client_b")).isEmpty();
    }

    @Test
    void createRefusesAnExistingClientAndReplaceAMissingOne() {
        PolicyStore store = new PolicyStore(dir);
        store.create(policy("client_a", "p1"));

        assertThatThrownBy(() -> store.create(policy("client_a", "p2"))).isInstanceOf(PolicyExistsException.class);
        assertThatThrownBy(() -> store.replace(policy("client_b", "p2"))).isInstanceOf(PolicyNotFoundException.class);
        store.replace(policy("client_a", "p2"));
        assertThat(store.read("client_a").orElseThrow().policy().project()).isEqualTo("p2");
        assertThat(store.delete("client_a")).isTrue();
        assertThat(store.delete("client_a")).isFalse();
        assertThat(store.ids()).isEmpty();
    }

    @Test
    void aJsonPolicyStaysJson() throws IOException {
        Files.writeString(dir.resolve("client_j.json"), "{\"project\": \"p1\", \"roles\": {\"reader\": [\"read\"]}}");
        PolicyStore store = new PolicyStore(dir);

        Path file = store.replace(policy("client_j", "p2"));

        assertThat(file.getFileName().toString()).isEqualTo("client_j.json");
        assertThat(Files.readString(file)).startsWith("{").contains("\"project\" : \"p2\"");
        assertThat(dir.resolve("client_j.yaml")).doesNotExist();
    }

    @Test
    void writesLeaveNoTemporaryFilesBehind() throws IOException {
        PolicyStore store = new PolicyStore(dir);
        for (int i = 0; i < 5; i++) {
            store.create(policy("c" + i, "p"));
            store.replace(policy("c" + i, "q"));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(path -> path.getFileName().toString())).allMatch(name -> name.endsWith(".yaml")).hasSize(5);
        }
    }

    @Test
    void noClientIdReachesOutsideTheFolder() throws IOException {
        Files.writeString(dir.resolve("secret.yaml"), "roles: {}\n");
        PolicyStore store = new PolicyStore(dir.resolve("policies"));
        for (String id : List.of("../secret", "..", "a/b", "a\\b", "x.yaml", "", "white space", "%2e%2e")) {
            assertThatThrownBy(() -> store.read(id)).as(id).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("^[A-Za-z0-9_]+$");
            assertThatThrownBy(() -> store.delete(id)).as(id).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> store.create(Policy.empty("../secret"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(dir.resolve("secret.yaml")).exists();
    }

    @Test
    void filesThatAreNotPoliciesAreNotListed() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "x");
        Files.writeString(dir.resolve("bad-name.yaml"), "roles: {}");
        Files.writeString(dir.resolve("customer_service.rego"), "package dspai.policy");
        Files.createDirectories(dir.resolve("folder.yaml"));
        Files.writeString(dir.resolve("ok.yml"), "roles: {}");

        assertThat(new PolicyStore(dir).ids()).containsExactly("ok");
        assertThat(new PolicyStore(dir.resolve("missing")).ids()).isEmpty();
    }

    @Test
    void aFileThatIsNotAPolicySaysWhy() throws IOException {
        Files.writeString(dir.resolve("broken.yaml"), "roles: {reader: [read]}\nuser_role: {u1: reader}\n");

        assertThatThrownBy(() -> new PolicyStore(dir).read("broken")).isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining("unknown field user_role");
    }
}
