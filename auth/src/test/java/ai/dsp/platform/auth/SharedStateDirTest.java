package ai.dsp.platform.auth;

import ai.dsp.platform.auth.token.EncryptionKey;
import ai.dsp.platform.auth.token.SigningKeys;
import ai.dsp.platform.auth.user.InitialAdmin;
import ai.dsp.platform.auth.user.PasswordHashes;
import ai.dsp.platform.auth.user.UserDirectory;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.password.PasswordEncoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Replicas that start together on one shared state folder end up with one key of each kind and one admin. */
class SharedStateDirTest {

    private static final int REPLICAS = 4;
    private static final PasswordEncoder ENCODER = PasswordHashes.encoder();

    @TempDir
    Path state;

    @RepeatedTest(3)
    void replicasStartingTogetherAgreeOnTheSigningKeyTheEncryptionKeyAndTheAdminPassword() throws Exception {
        List<String> kids = together(() -> SigningKeys.open("RS256", state, null).current().getKeyID());
        List<String> encryptionKids = together(() -> EncryptionKey.open(state).keyId());
        List<Path> usersFiles = together(() -> InitialAdmin.usersFile(state.resolve("none.yaml"), state, ENCODER));

        assertThat(kids).hasSize(REPLICAS).containsOnly(kids.get(0));
        assertThat(encryptionKids).hasSize(REPLICAS).containsOnly(encryptionKids.get(0));
        assertThat(usersFiles).containsOnly(usersFiles.get(0));
        String password = Files.readString(state.resolve(InitialAdmin.PASSWORD_FILE)).strip();
        assertThat(new UserDirectory(usersFiles.get(0), ENCODER).authenticate("admin", password).username()).isEqualTo("admin");
        try (var leftovers = Files.list(state)) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    private static <T> List<T> together(Callable<T> start) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(REPLICAS);
        ExecutorService pool = Executors.newFixedThreadPool(REPLICAS);
        try {
            List<Future<T>> results = IntStream.range(0, REPLICAS).mapToObj(i -> pool.submit(() -> {
                barrier.await();
                return start.call();
            })).toList();
            List<T> values = new java.util.ArrayList<>();
            for (Future<T> result : results) {
                values.add(result.get());
            }
            return values;
        } finally {
            pool.shutdown();
        }
    }
}
