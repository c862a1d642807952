package ai.dsp.platform.ingest;

import ai.dsp.platform.document.DocumentRejectedException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Document messages (Kafka and other buses) into jobs; a real folder and a real HTTP server for {@code uri}s. */
class MessageIntakeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BYTES = 1_000;

    @TempDir
    Path files;
    private HttpServer http;
    private String httpBase;
    private MessageIntake intake;

    @BeforeEach
    void start() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/docs/", exchange -> {
            byte[] body = switch (exchange.getRequestURI().getPath()) {
                case "/docs/guide.txt" -> "Guide served over HTTP.".getBytes(StandardCharsets.UTF_8);
                case "/docs/huge.txt" -> new byte[MAX_BYTES + 1];
                default -> null;
            };
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        http.start();
        httpBase = "http://127.0.0.1:" + http.getAddress().getPort() + "/docs/";
        Files.createDirectories(files.resolve("shared"));
        intake = new MessageIntake(new FetchProperties(List.of(files.resolve("shared").toUri().toString(), httpBase),
                Duration.ofSeconds(5)), MAX_BYTES);
    }

    @AfterEach
    void stop() {
        http.stop(0);
    }

    @Test
    void aTextMessageBecomesAJobWithItsIdMetadataAndAcl() {
        IngestJob job = job(Map.of("id", "vpn-guide", "collection", "kb", "filename", "docs/vpn.md",
                "contentType", "text/markdown", "text", "Connect first.",
                "metadata", Map.of("team", "it"), "acl", Map.of("allowed_groups", List.of("staff"))));

        assertThat(job.id()).isEqualTo("vpn-guide");
        assertThat(job.collection()).isEqualTo("kb");
        assertThat(job.filename()).isEqualTo("vpn.md");
        assertThat(new String(job.content(), StandardCharsets.UTF_8)).isEqualTo("Connect first.");
        assertThat(job.source()).isEqualTo("kafka:test");
        assertThat(job.requestId()).isEqualTo("req-1");
        assertThat(job.metadata()).containsEntry("team", "it").containsEntry("contentType", "text/markdown")
                .containsEntry("allowed_groups", List.of("staff"));
    }

    @Test
    void withoutAnIdTheIdComesFromCollectionAndFilenameElseFromTheMessage() {
        // MIME-style line breaks inside the base64 are fine
        String content = Base64.getMimeEncoder(8, "\r\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString("Quarterly report".getBytes(StandardCharsets.UTF_8));
        IngestJob first = job(Map.of("filename", "report.pdf", "content", content));
        IngestJob resent = job(Map.of("filename", "report.pdf", "content", content, "metadata", Map.of("v", 2)));
        assertThat(new String(first.content(), StandardCharsets.UTF_8)).isEqualTo("Quarterly report");
        assertThat(first.collection()).isEqualTo("default");
        assertThat(first.id()).isEqualTo(resent.id()).isEqualTo(DocumentIds.fromSource("default", "report.pdf"));

        IngestJob anonymous = job(Map.of("text", "no name"));
        assertThat(anonymous.id()).isEqualTo(job(Map.of("text", "no name")).id()).isNotEqualTo(job(Map.of("text", "other")).id());
        assertThat(anonymous.filename()).isEqualTo("message.txt");
    }

    @Test
    void aFileUriInsideTheAllowedFolderIsRead() throws IOException {
        Files.writeString(files.resolve("shared/policy.txt"), "Policy text");
        IngestJob job = job(Map.of("uri", files.resolve("shared/policy.txt").toUri().toString()));

        assertThat(new String(job.content(), StandardCharsets.UTF_8)).isEqualTo("Policy text");
        assertThat(job.filename()).isEqualTo("policy.txt");
    }

    @Test
    void anHttpUriOnTheAllowListIsDownloaded() {
        IngestJob job = job(Map.of("uri", httpBase + "guide.txt"));

        assertThat(new String(job.content(), StandardCharsets.UTF_8)).isEqualTo("Guide served over HTTP.");
        assertThat(job.filename()).isEqualTo("guide.txt");
    }

    @Test
    void urisOutsideTheAllowListOrTooLargeAreRejected() throws IOException {
        Files.writeString(files.resolve("secret.txt"), "not shared");
        Files.write(files.resolve("shared/big.bin"), new byte[MAX_BYTES + 1]);

        assertRejected(Map.of("uri", files.resolve("secret.txt").toUri().toString()), "not in dsp.ingest.fetch.allowed-uris");
        assertRejected(Map.of("uri", files.resolve("shared").toUri() + "../secret.txt"), "leaves the allowed locations");
        assertRejected(Map.of("uri", files.resolve("shared/big.bin").toUri().toString()), "larger than " + MAX_BYTES);
        assertRejected(Map.of("uri", httpBase + "huge.txt"), "larger than " + MAX_BYTES);
        assertRejected(Map.of("uri", httpBase + "missing.txt"), "answered HTTP 404");
        assertRejected(Map.of("uri", "ftp://example.com/a.txt"), "not in dsp.ingest.fetch.allowed-uris");
    }

    @Test
    void anUnreachableSourceIsRetriedNotRejected() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String base = "http://127.0.0.1:" + closedPort + "/";
        MessageIntake unreachable = new MessageIntake(new FetchProperties(List.of(base), Duration.ofSeconds(2)), MAX_BYTES);

        assertThatThrownBy(() -> unreachable.toJob(json(Map.of("uri", base + "a.txt")), "kafka:test", "req-1"))
                .isInstanceOf(UncheckedIOException.class)
                .isNotInstanceOf(DocumentRejectedException.class);
    }

    @Test
    void malformedMessagesAreRejectedWithAReason() {
        assertRejected(new byte[0], "empty message");
        assertRejected("{not json".getBytes(StandardCharsets.UTF_8), "not a document JSON object");
        assertRejected("[1, 2]".getBytes(StandardCharsets.UTF_8), "not a document JSON object");
        assertRejected(Map.of("filename", "a.txt"), "exactly one of 'text', 'content' (base64) or 'uri'");
        assertRejected(Map.of("text", "a", "content", "YQ=="), "exactly one of");
        assertRejected(Map.of("content", "***"), "not valid base64");
        assertRejected(Map.of("id", "bad id/with spaces", "text", "a"), "document ids must match");
        assertRejected(Map.of("text", "a", "acl", Map.of("owners", List.of("x"))), "acl keys are");
        Map<String, Object> badCollection = new LinkedHashMap<>(Map.of("text", "a", "collection", "no spaces allowed"));
        assertThatThrownBy(() -> job(badCollection)).isInstanceOf(RuntimeException.class).hasMessageContaining("collection");
    }

    @Test
    void aRawBodyWithAFilenameHeaderIsTheDocumentDescribedByItsHeaders() {
        byte[] pdf = "%PDF-1.4 not really".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = Map.of(RawDocumentHeaders.FILENAME, "reports/q3.pdf", RawDocumentHeaders.COLLECTION, "finance",
                RawDocumentHeaders.CONTENT_TYPE, "application/pdf",
                RawDocumentHeaders.METADATA, "{\"quarter\": 3, \"allowed_groups\": [\"finance\"]}");
        IngestJob job = intake.toJob(pdf, headers::get, "jms:docs", "req-2");

        assertThat(job.content()).isEqualTo(pdf);
        assertThat(job.filename()).isEqualTo("q3.pdf");
        assertThat(job.collection()).isEqualTo("finance");
        assertThat(job.id()).isEqualTo(DocumentIds.fromSource("finance", "reports/q3.pdf"));
        assertThat(job.metadata()).containsEntry("quarter", 3).containsEntry("contentType", "application/pdf")
                .containsEntry("allowed_groups", List.of("finance"));
        assertThat(intake.toJob(pdf, Map.of(RawDocumentHeaders.FILENAME, "q3.pdf", RawDocumentHeaders.DOCUMENT_ID, "q3")::get, "jms:docs", "r").id())
                .isEqualTo("q3");
    }

    @Test
    void withoutAFilenameHeaderTheBodyIsDocumentJson() {
        IngestJob job = intake.toJob(json(Map.of("text", "as JSON", "collection", "kb")), name -> null, "jms:docs", "req-3");
        assertThat(new String(job.content(), StandardCharsets.UTF_8)).isEqualTo("as JSON");
        assertThat(job.collection()).isEqualTo("kb");
    }

    @Test
    void badRawDocumentHeadersAreRejected() {
        byte[] body = "text".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> intake.toJob(body, Map.of(RawDocumentHeaders.FILENAME, "a.txt", RawDocumentHeaders.METADATA, "[1")::get, "s", "r"))
                .isInstanceOf(DocumentRejectedException.class).hasMessageContaining("metadata is not a JSON object");
        assertThatThrownBy(() -> intake.toJob(body, Map.of(RawDocumentHeaders.FILENAME, "a.txt",
                RawDocumentHeaders.METADATA, "{\"allowed_users\": \"alice\"}")::get, "s", "r"))
                .isInstanceOf(DocumentRejectedException.class).hasMessageContaining("list of strings");
        assertThatThrownBy(() -> intake.toJob(new byte[MAX_BYTES + 1], Map.of(RawDocumentHeaders.FILENAME, "a.txt")::get, "s", "r"))
                .isInstanceOf(DocumentRejectedException.class).hasMessageContaining("larger than");
    }

    private IngestJob job(Map<String, Object> message) {
        return intake.toJob(json(message), "kafka:test", "req-1");
    }

    private void assertRejected(Map<String, Object> message, String reason) {
        assertRejected(json(message), reason);
    }

    private void assertRejected(byte[] message, String reason) {
        assertThatThrownBy(() -> intake.toJob(message, "kafka:test", "req-1"))
                .isInstanceOf(DocumentRejectedException.class)
                .hasMessageContaining(reason);
    }

    private static byte[] json(Map<String, Object> message) {
        try {
            return JSON.writeValueAsBytes(message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aRawFileWithItsNameAndMetadataInHeadersBecomesAJobThatReplacesItselfWhenResent() {
        byte[] pdf = "%PDF-1.4 pretend".getBytes(StandardCharsets.UTF_8);
        MessageIntake.FileAttributes attributes = new MessageIntake.FileAttributes(null, "scans", "../in/report.pdf",
                "application/pdf", "{\"department\": \"finance\", \"allowed_groups\": [\"staff\"]}");

        IngestJob job = intake.fileToJob(pdf, attributes, "amqp:documents", "amqp:1");
        IngestJob again = intake.fileToJob(pdf, attributes, "amqp:documents", "amqp:2");

        assertThat(job.collection()).isEqualTo("scans");
        assertThat(job.filename()).isEqualTo("report.pdf");
        assertThat(job.content()).isEqualTo(pdf);
        assertThat(job.metadata()).containsEntry("department", "finance").containsEntry("contentType", "application/pdf")
                .containsEntry("allowed_groups", List.of("staff"));
        assertThat(again.id()).isEqualTo(job.id());
        assertThat(intake.fileToJob(pdf, new MessageIntake.FileAttributes("given-id", null, "report.pdf", null, null), "amqp:documents", "amqp:3"))
                .satisfies(given -> {
                    assertThat(given.id()).isEqualTo("given-id");
                    assertThat(given.collection()).isEqualTo("default");
                });
    }

    @Test
    void aRawFileWithoutANameOrWithBadMetadataOrTooLargeIsRejected() {
        byte[] text = "some text".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> intake.fileToJob(text, new MessageIntake.FileAttributes(null, null, " ", null, null), "s", "r"))
                .isInstanceOf(DocumentRejectedException.class).hasMessageContaining("filename");
        assertThatThrownBy(() -> intake.fileToJob(text, new MessageIntake.FileAttributes(null, null, "a.txt", null, "[1, 2]"), "s", "r"))
                .isInstanceOf(DocumentRejectedException.class).hasMessageContaining("metadata is not a JSON object");
        assertThatThrownBy(() -> intake.fileToJob(new byte[MAX_BYTES + 1], new MessageIntake.FileAttributes(null, null, "a.txt", null, null), "s", "r"))
                .isInstanceOf(DocumentRejectedException.class).hasMessageContaining("larger than");
        assertThatThrownBy(() -> intake.fileToJob(new byte[0], new MessageIntake.FileAttributes(null, null, "a.txt", null, null), "s", "r"))
                .isInstanceOf(DocumentRejectedException.class).hasMessageContaining("empty");
    }
}
