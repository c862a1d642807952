package ai.dsp.platform.app.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpBinding;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The wire format of {@link EventStream} and its life: nothing before the first event, then committed, then closed. */
class EventStreamTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void stopCamel() throws IOException {
        camel.close();
    }

    @Test
    void eventsAreFramedAsServerSentEventsAndFlushedOneByOne() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        Exchange exchange = exchange(response);
        EventStream stream = EventStream.open(exchange, json);

        stream.send("delta", Map.of("text", "Backups are kept [1]."));
        assertThat(response.isCommitted()).as("flushed with the first event").isTrue();
        assertThat(response.getContentAsString()).isEqualTo("event: delta\ndata: {\"text\":\"Backups are kept [1].\"}\n\n");

        stream.send(null, "[DONE]");
        stream.send("note", "two\nlines");
        assertThat(response.getContentAsString()).endsWith("\n\ndata: [DONE]\n\nevent: note\ndata: two\ndata: lines\n\n");
    }

    @Test
    void theFirstEventCommitsTheStreamsStatusAndHeaders() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        response.setStatus(500);
        Exchange exchange = exchange(response);
        exchange.getMessage().setHeader(HttpEntry.REQUEST_ID, "stream-unit-0001");
        EventStream stream = EventStream.open(exchange, json);
        assertThat(stream.started()).isFalse();
        assertThat(response.getContentType()).isNull();

        stream.send("sources", Map.of("sources", java.util.List.of()));

        assertThat(stream.started()).isTrue();
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentType()).isEqualTo("text/event-stream;charset=UTF-8");
        assertThat(response.getHeader("Cache-Control")).isEqualTo("no-cache");
        assertThat(response.getHeader("X-Request-Id")).isEqualTo("stream-unit-0001");
        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(200);
    }

    @Test
    void closingEndsTheResponseAndLeavesTheBindingNothingToWrite() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        Exchange exchange = exchange(response);
        exchange.getMessage().setBody("the request's body");
        EventStream stream = EventStream.open(exchange, json);
        stream.send("done", Map.of());

        stream.close();
        stream.close();

        assertThat(exchange.getMessage().getBody()).isNull();
        assertThatThrownBy(() -> stream.send("late", Map.of())).isInstanceOf(EventStream.ClientGoneException.class);
        assertThat(response.getContentAsString()).isEqualTo("event: done\ndata: {}\n\n");
    }

    @Test
    void aStreamClosedBeforeItsFirstEventLeavesTheCallToAnswerAsAnyOther() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        Exchange exchange = exchange(response);
        exchange.getMessage().setBody("an error body");

        EventStream.open(exchange, json).close();

        assertThat(exchange.getMessage().getBody()).isEqualTo("an error body");
        assertThat(response.isCommitted()).isFalse();
    }

    @Test
    void aClientThatWentAwayIsAClientGoneExceptionAndEndsTheStream() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse() {
            @Override
            public ServletOutputStream getOutputStream() {
                return new ServletOutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        throw new IOException("Broken pipe");
                    }

                    @Override
                    public boolean isReady() {
                        return true;
                    }

                    @Override
                    public void setWriteListener(WriteListener listener) {
                    }
                };
            }
        };
        EventStream stream = EventStream.open(exchange(response), json);

        assertThatThrownBy(() -> stream.send("delta", Map.of("text", "x")))
                .isInstanceOf(EventStream.ClientGoneException.class).hasRootCauseMessage("Broken pipe");
        assertThatThrownBy(() -> stream.send("delta", Map.of("text", "y"))).isInstanceOf(EventStream.ClientGoneException.class);
    }

    @Test
    void eventNamesAreOneLineAndOnlyPlatformHttpCallsCanStream() throws Exception {
        EventStream stream = EventStream.open(exchange(new MockHttpServletResponse()), json);

        assertThatThrownBy(() -> stream.send("done\ndata: forged", Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> stream.send(" ", Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(stream.started()).isFalse();
        assertThatThrownBy(() -> EventStream.open(new DefaultExchange(camel), json)).isInstanceOf(IllegalStateException.class);
    }

    private Exchange exchange(MockHttpServletResponse response) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/query");
        Exchange exchange = new DefaultExchange(camel);
        // as read already: the binding reads a request only for a consumer's endpoint
        exchange.setIn(new PlatformHttpMessage(request, response, exchange, new SpringBootPlatformHttpBinding(), true));
        return exchange;
    }
}
