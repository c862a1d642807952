package ai.dsp.platform.app;

import ai.dsp.platform.app.ServerSentEvents.Event;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /api/v1/query} streamed as Server-Sent Events with the extractive answerer: the same
 * answer as the JSON one, in events; asked for by the body or by {@code Accept}; audited once; and
 * a query that cannot start still gets its JSON error.
 */
class StreamedQueryTest {

    private static final String COLLECTION = "runbooks";
    private static final String QUESTION = "Who requests a restore of lost data, and how often are restores tested?";

    @TempDir
    static Path work;
    private static AppHarness app;
    private static Path auditFile;

    @BeforeAll
    static void start() {
        auditFile = work.resolve("audit.log");
        app = AppHarness.start(work.resolve("data"), work.resolve("inbox"), "--dsp.audit.file=" + auditFile);
        ingest(app, COLLECTION);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    /** Two documents whose best answer to {@link #QUESTION} quotes both. */
    static void ingest(AppHarness app, String collection) {
        AppHarness.Reply accepted = app.postJson("/api/v1/documents/text?collection=" + collection, List.of(
                Map.of("id", "backup-policy", "filename", "backup-policy.md", "content",
                        "Production databases are backed up every night at 02:00 UTC. Nightly backups are retained for 35 days "
                                + "and stored encrypted in a second region. Restores are tested once per quarter by the platform team."),
                Map.of("id", "incident-runbook", "filename", "incident-runbook.md", "content",
                        "During an incident the on-call engineer opens a ticket and pages the service owner. "
                                + "If data was lost, the service owner requests a restore from the latest backup.")));
        assertThat(accepted.status()).isEqualTo(202);
        for (String id : List.of("backup-policy", "incident-runbook")) {
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    "INDEXED".equals(app.get("/api/v1/documents/" + id).body().path("status").asText()));
        }
    }

    @Test
    void theStreamCarriesTheJsonAnswerEventByEventAndIsAuditedOnce() throws Exception {
        AppHarness.Reply whole = app.postJson("/api/v1/query", Map.of("query", QUESTION, "collection", COLLECTION));
        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.header("Content-Type")).isEqualTo("application/json");
        assertThat(whole.body().fieldNames()).toIterable().containsExactly("answer", "citations", "generator", "sources", "timings");
        JsonNode citations = whole.body().get("citations");
        assertThat(citations).hasSize(2);

        HttpResponse<InputStream> response = app.postStreaming("/api/v1/query",
                Map.of("query", QUESTION, "collection", COLLECTION, "stream", true), Map.of("X-Request-Id", "streamed-query-0001"));
        List<Event> events;
        try (ServerSentEvents stream = new ServerSentEvents(response.body())) {
            events = stream.rest();
        }

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        assertThat(response.headers().firstValue("Cache-Control")).hasValueSatisfying(value -> assertThat(value).contains("no-cache"));
        assertThat(response.headers().firstValue("X-Request-Id")).hasValue("streamed-query-0001");
        // Spring Security's headers reach a stream as any other response
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

        List<String> names = events.stream().map(Event::name).toList();
        assertThat(names.get(0)).isEqualTo("sources");
        assertThat(names.get(names.size() - 1)).isEqualTo("done");
        assertThat(names.subList(1, names.size() - 1)).isNotEmpty().allMatch(name -> name.equals("delta") || name.equals("citation"));
        for (int i = 1; i < names.size(); i++) {
            if (names.get(i).equals("citation")) {
                assertThat(names.get(i - 1)).as("a citation follows the piece that cites").isIn("delta", "citation");
            }
        }
        assertThat(names).filteredOn("delta"::equals).hasSize(2);

        assertThat(events.get(0).data().get("sources")).isEqualTo(whole.body().get("sources"));
        StringBuilder text = new StringBuilder();
        List<Integer> cited = new ArrayList<>();
        for (Event event : events) {
            if (event.name().equals("delta")) {
                text.append(event.data().get("text").asText());
            } else if (event.name().equals("citation")) {
                int n = event.data().get("n").asInt();
                cited.add(n);
                assertThat(event.data().get("source")).isEqualTo(whole.body().get("sources").get(n - 1));
                assertThat(text.toString()).as("the text so far cites [" + n + "]").contains("[" + n + "]");
            }
        }
        assertThat(text.toString()).isEqualTo(whole.body().get("answer").asText());
        assertThat(cited).containsExactly(citations.get(0).asInt(), citations.get(1).asInt());

        JsonNode done = events.get(events.size() - 1).data();
        assertThat(done.get("generator").asText()).isEqualTo("extractive");
        assertThat(done.get("citations")).isEqualTo(citations);
        assertThat(done.get("timings").get("totalMs").asLong()).isGreaterThanOrEqualTo(done.get("timings").get("retrieveMs").asLong());
        JsonNode usage = done.get("usage");
        assertThat(usage.get("prompt_tokens").asInt()).isGreaterThan(usage.get("completion_tokens").asInt()).isGreaterThan(20);
        // WordPiece counts of the answer: more tokens than words, fewer than characters
        String answer = whole.body().get("answer").asText();
        assertThat(usage.get("completion_tokens").asInt()).isBetween(answer.split("\\s+").length, answer.length() / 2);
        assertThat(usage.get("total_tokens").asInt()).isEqualTo(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt());

        List<JsonNode> records = await().atMost(Duration.ofSeconds(10)).until(() -> audited("streamed-query-0001"), r -> !r.isEmpty());
        assertThat(records).hasSize(1);
        assertThat(records.get(0).path("status").asInt()).isEqualTo(200);
        assertThat(records.get(0).path("path").asText()).isEqualTo("/api/v1/query");
        assertThat(records.get(0).path("documents")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("backup-policy", "incident-runbook");
    }

    @Test
    void acceptTextEventStreamAsksForTheStreamAndTheBodyHasTheLastWord() throws Exception {
        HttpResponse<InputStream> accepted = app.postStreaming("/api/v1/query", Map.of("query", QUESTION, "collection", COLLECTION),
                Map.of("Accept", "text/event-stream"));
        assertThat(accepted.statusCode()).isEqualTo(200);
        try (ServerSentEvents stream = new ServerSentEvents(accepted.body())) {
            assertThat(stream.rest()).extracting(Event::name).startsWith("sources").endsWith("done");
        }

        AppHarness.Reply refused = app.postRaw("/api/v1/query",
                // a field the platform does not know (another RAG API's) is ignored
                AppHarness.JSON.writeValueAsString(Map.of("query", QUESTION, "collection", COLLECTION, "stream", false, "top_p", 1)),
                Map.of("Accept", "text/event-stream, application/json"));
        assertThat(refused.status()).isEqualTo(200);
        assertThat(refused.header("Content-Type")).isEqualTo("application/json");
        assertThat(refused.body().get("answer").asText()).isNotBlank();
    }

    @Test
    void aQueryThatCannotStartIsAnOrdinaryJsonError() throws Exception {
        HttpResponse<InputStream> unknown = app.postStreaming("/api/v1/query",
                Map.of("query", QUESTION, "collection", "no-such-collection", "stream", true), Map.of());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        try (InputStream body = unknown.body()) {
            assertThat(AppHarness.JSON.readTree(body).get("error").asText()).isEqualTo("not_found");
        }

        HttpResponse<InputStream> empty = app.postStreaming("/api/v1/query", Map.of("collection", COLLECTION, "stream", true), Map.of());
        assertThat(empty.statusCode()).isEqualTo(400);
        empty.body().close();
    }

    private static List<JsonNode> audited(String requestId) throws Exception {
        return AuditRecords.of(auditFile, requestId);
    }
}
