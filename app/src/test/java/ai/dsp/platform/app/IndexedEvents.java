package ai.dsp.platform.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;

import java.io.IOException;
import java.util.List;

/**
 * Every document event the app announces, caught at the end of its notify route: a document
 * indexed twice shows up twice here, while a redelivered unchanged one (the pipeline's no-op) does not.
 */
final class IndexedEvents {

    private final MockEndpoint events;

    private IndexedEvents(MockEndpoint events) {
        this.events = events;
    }

    static IndexedEvents capture(AppHarness app) throws Exception {
        AdviceWith.adviceWith(app.camel(), "notify", route -> route.weaveAddLast().to("mock:indexed-events"));
        return new IndexedEvents(app.camel().getEndpoint("mock:indexed-events", MockEndpoint.class));
    }

    /** The document id of every document.indexed event so far. */
    List<String> documentIds() {
        return events.getExchanges().stream()
                .map(exchange -> readJson(exchange.getMessage().getBody(String.class)))
                .filter(event -> "document.indexed".equals(event.path("type").asText()))
                .map(event -> event.path("documentId").asText())
                .toList();
    }

    private static JsonNode readJson(String text) {
        try {
            return AppHarness.JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("an event that is not JSON: " + text, e);
        }
    }
}
