package ai.dsp.platform.testing;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisServerTest {

    @Test
    void theSharedServerAnswers() {
        RedisServer redis = RedisServer.shared();

        assertThat(RedisServer.answers(redis.port())).isTrue();
        assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + redis.port());
    }

    /** What a machine without a Redis on 6379 gets: the binary from PATH on a port of its own. */
    @Test
    void startsRedisServerFromPathOnAFreePortAndRemovesItAfterwards() {
        Path binary = Executables.require("redis-server", "redis-server");
        int port;
        try (RedisServer own = new RedisServer()) {
            own.startOwn(binary);
            port = own.port();
            assertThat(own.ownProcess()).isTrue();
            assertThat(port).isNotEqualTo(RedisServer.STANDARD_PORT);
            assertThat(RedisServer.answers(port)).isTrue();
        }
        assertThat(RedisServer.answers(port)).isFalse();
    }

    @Test
    void aMissingBinaryFailsNamingThePackageToInstall() {
        assertThat(Executables.find("redis-server", "/nonexistent-folder")).isEmpty();
        assertThatThrownBy(() -> Executables.require("dsp-no-such-binary", "dsp-no-such-package"))
                .hasMessageContaining("apt-get install dsp-no-such-package");
    }
}
