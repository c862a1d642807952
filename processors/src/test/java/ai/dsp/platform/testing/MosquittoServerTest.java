package ai.dsp.platform.testing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MosquittoServerTest {

    @Test
    void theSharedBrokerAnswers() {
        MosquittoServer mqtt = MosquittoServer.shared();

        assertThat(MosquittoServer.answers(mqtt.port())).isTrue();
        assertThat(mqtt.url()).isEqualTo("tcp://127.0.0.1:" + mqtt.port());
    }

    /** What a machine without a broker on 1883 gets, and what a restart test needs: a broker of its own. */
    @Test
    void startsMosquittoFromPathOnAFreePortRestartsItAndRemovesItAfterwards() {
        int port;
        try (MosquittoServer own = new MosquittoServer()) {
            own.startOwn();
            port = own.port();
            assertThat(own.ownProcess()).isTrue();
            assertThat(port).isNotEqualTo(MosquittoServer.STANDARD_PORT);
            assertThat(MosquittoServer.answers(port)).isTrue();
            own.restart();
            assertThat(MosquittoServer.answers(port)).isTrue();
        }
        assertThat(MosquittoServer.answers(port)).isFalse();
    }
}
