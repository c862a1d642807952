package ai.dsp.platform.app;

import ai.dsp.platform.app.messaging.RedisRevocations;
import ai.dsp.platform.testing.ChildProcess;
import ai.dsp.platform.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Revocations shared by replicas through a real Redis (the harness's), kept only as long as the token lives. */
class RedisRevocationsTest {

    private final RedisTemplates redis = new RedisTemplates("revocations", RedisServer.shared().port());
    private final String prefix = redis.prefix;

    @AfterEach
    void cleanUp() {
        redis.close();
    }

    @Test
    void aRevocationOnOneReplicaIsSeenByTheOtherUntilTheTokenWouldHaveExpired() {
        RedisRevocations one = new RedisRevocations(redis.template(), prefix, Clock.systemUTC());
        RedisRevocations other = new RedisRevocations(redis.template(), prefix, Clock.systemUTC());

        one.revoke("jti-1", Instant.now().plus(Duration.ofMinutes(10)));
        one.revoke("jti-expired", Instant.now().minusSeconds(5));

        assertThat(other.isRevoked("jti-1")).isTrue();
        assertThat(other.isRevoked("jti-2")).isFalse();
        assertThat(other.isRevoked("jti-expired")).isFalse();
        Long ttl = redis.template().getExpire(prefix + ":revoked:jti-1");
        assertThat(ttl).isBetween(590L, 601L);
    }

    @Test
    void whileRedisCannotAnswerEveryTokenCountsAsRevoked() {
        RedisRevocations down = new RedisRevocations(redis.template(ChildProcess.freeLoopbackPorts(1)[0]), prefix, Clock.systemUTC());

        assertThat(down.isRevoked("any")).isTrue();
    }
}
