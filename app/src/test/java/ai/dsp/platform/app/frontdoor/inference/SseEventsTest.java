package ai.dsp.platform.app.frontdoor.inference;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class SseEventsTest {

    private final SseEvents events = new SseEvents(new ObjectMapper());

    @Test
    void onlyWholeEventsAreHandedOnHoweverTheBytesAreCut() {
        assertThat(accept("data: {\"a\"")).isEmpty();
        assertThat(accept(":1}\n")).as("a line, but not yet an event").isEmpty();
        assertThat(accept("\ndata: {\"b\":2}\n\ndata: {\"c\"")).isEqualTo("data: {\"a\":1}\n\ndata: {\"b\":2}\n\n");
        assertThat(accept(":3}\r\n\r\n")).isEqualTo("data: {\"c\":3}\r\n\r\n");
        assertThat(events.pendingBytes()).isZero();
        assertThat(events.firstDataNanos()).isPositive();
    }

    @Test
    void doneAndTheLastUsageAreNoticedAndATrailingLineWithoutBlankLineIsTheRemainder() {
        accept(": keep-alive\n\n");
        assertThat(events.firstDataNanos()).as("a comment is no data line").isNegative();
        accept("data: {\"choices\": [], \"usage\": {\"prompt_tokens\": 9, \"completion_tokens\": 4}}\n\n");
        accept("data: [DONE]");

        assertThat(new String(events.remainder(), StandardCharsets.UTF_8)).isEqualTo("data: [DONE]");
        assertThat(events.done()).isTrue();
        assertThat(events.usage()).isEqualTo(new SseEvents.Usage(9, 4));
    }

    private String accept(String text) {
        return new String(events.accept(text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }
}
