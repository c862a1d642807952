package ai.dsp.platform.testing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RabbitMqServerTest {

    @Test
    void theSharedServerAnswers() {
        assertThat(RabbitMqServer.answers(RabbitMqServer.shared().port())).isTrue();
    }

    /** What a machine without a RabbitMQ on 5672 gets, and what a restart test needs: a node of its own. */
    @Test
    void startsANodeOfItsOwnOnAFreePortRestartsItAndRemovesItAfterwards() {
        int port;
        try (RabbitMqServer own = new RabbitMqServer()) {
            own.startOwn();
            port = own.port();
            assertThat(own.ownProcess()).isTrue();
            assertThat(port).isNotEqualTo(RabbitMqServer.STANDARD_PORT);
            assertThat(RabbitMqServer.answers(port)).isTrue();
            own.restart();
            assertThat(RabbitMqServer.answers(port)).isTrue();
        }
        assertThat(RabbitMqServer.answers(port)).isFalse();
    }
}
