package ai.dsp.platform.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import ai.dsp.platform.auth.user.PasswordHashes;
import org.apache.camel.CamelContext;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.crypto.password.PasswordEncoder;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts the real application (routes from ./routes, Lucene, ONNX model) on a free port with its
 * data and inbox in the given folders, and talks to it over HTTP like any client would: as the
 * admin of a users file it writes beside the data folder (a token from {@code POST /token}), or,
 * through {@link #as} and {@link #anonymous}, as another caller.
 */
final class AppHarness implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN_PASSWORD = "admin-test-password";
    /** A user without the admin role. */
    static final String READER = "reader";
    static final String READER_PASSWORD = "reader-test-password";

    private final ConfigurableApplicationContext context;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final boolean owner;
    private final String bearer;
    final Path dataDir;
    final Path inbox;
    final int port;

    private AppHarness(ConfigurableApplicationContext context, Path dataDir, Path inbox, boolean owner, String bearer) {
        this.context = context;
        this.dataDir = dataDir;
        this.inbox = inbox;
        this.owner = owner;
        this.bearer = bearer;
        this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    static AppHarness start(Path dataDir, Path inbox, String... extraProperties) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--dsp.data-dir=" + dataDir,
                "--dsp.inbox=" + inbox,
                "--dsp.ingest.min-file-age=200ms",
                "--dsp.ingest.poll-delay=100ms",
                "--dsp.auth.users-file=" + usersFile(dataDir.toAbsolutePath().getParent().resolve("users.yaml")),
                "--dsp.auth.api-keys.dir=" + dataDir.toAbsolutePath().getParent().resolve("api_keys"),
                // the checkout's manifests/ and config/policies/ are examples, never a test's store
                "--dsp.control-tower.store.manifests-dir=" + dataDir.toAbsolutePath().getParent().resolve("manifests"),
                "--dsp.control-tower.policies-dir=" + dataDir.toAbsolutePath().getParent().resolve("policies")));
        args.addAll(List.of(extraProperties));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(DspApplication.class)
                .run(args.toArray(String[]::new));
        AppHarness anonymous = new AppHarness(context, dataDir, inbox, false, null);
        return new AppHarness(context, dataDir, inbox, true, anonymous.login("admin", ADMIN_PASSWORD));
    }

    /** An access token from {@code POST /token}. */
    String login(String username, String password) {
        Reply reply = anonymous().postJson("/token", Map.of("username", username, "password", password));
        if (reply.status() != 200) {
            throw new IllegalStateException("login of " + username + " answered " + reply.status() + ": " + reply.body());
        }
        return reply.body().get("access_token").asText();
    }

    /** The same app, called with this bearer token (closing it leaves the app running). */
    AppHarness as(String token) {
        return new AppHarness(context, dataDir, inbox, false, token);
    }

    /** The same app, called without any credentials. */
    AppHarness anonymous() {
        return as(null);
    }

    /** The seed's users.yaml format with bcrypt hashes: admin (admin role) and reader (user role). */
    private static Path usersFile(Path file) {
        PasswordEncoder encoder = PasswordHashes.encoder();
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, """
                    admin:
                      password: "%s"
                      name: Administrator
                      groups: [administrators]
                      roles: [admin, user]
                    reader:
                      password: "%s"
                      groups: [staff]
                      roles: [user]
                    """.formatted(encoder.encode(ADMIN_PASSWORD), encoder.encode(READER_PASSWORD)));
            return file;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file, e);
        }
    }

    CamelContext camel() {
        return context.getBean(CamelContext.class);
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    record Reply(int status, JsonNode body, Map<String, List<String>> headers) {

        /** The first value of a response header (any case), or null. */
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    Reply get(String path) {
        return getWithHeaders(path, Map.of());
    }

    Reply getWithHeaders(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        headers.forEach(request::header);
        return send(request);
    }

    /** A GET whose body is not JSON (the metrics scrape): status, body and headers as they came. */
    HttpResponse<String> getText(String path) {
        try {
            return http.send(authorized(HttpRequest.newBuilder(uri(path)).GET()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Reply delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    Reply postJson(String path, Object body) {
        try {
            return postRaw(path, JSON.writeValueAsString(body), Map.of());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    Reply putJson(String path, Object body) {
        try {
            return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    Reply patchJson(String path, Object body) {
        try {
            return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    Reply postRaw(String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request);
    }

    /** Any method with a raw JSON body (or none) and headers: the manifest calls with If-Match. */
    Reply send(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::setHeader);
        return send(request);
    }

    /**
     * A POST of a JSON body whose response is read as it comes: returns once the response's
     * headers have arrived, with the body still streaming (Server-Sent Events).
     */
    HttpResponse<InputStream> postStreaming(String path, Object body, Map<String, String> headers) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            headers.forEach(request::header);
            return http.send(authorized(request).build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Reply postMultipart(String path, Multipart form) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes())));
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The caller's bearer token, unless the request names its own Authorization. */
    private HttpRequest.Builder authorized(HttpRequest.Builder request) {
        if (bearer != null && request.build().headers().firstValue("Authorization").isEmpty()) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return request;
    }

    private Reply send(HttpRequest.Builder builder) {
        try {
            HttpRequest request = authorized(builder).build();
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException closed) {
                // Tomcat ends a kept-alive connection after 100 requests; the JDK client may have
                // picked that connection for the next request just then. A client tries again on a
                // fresh connection, once, as browsers do.
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            }
            JsonNode body = response.body() == null || response.body().isBlank() ? null : parse(response.body());
            return new Reply(response.statusCode(), body, response.headers().map());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** JSON bodies as trees; any other body (the metrics scrape) as one text node. */
    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return TextNode.valueOf(body);
        }
    }

    @Override
    public void close() {
        if (owner) {
            context.close();
        }
    }
}
