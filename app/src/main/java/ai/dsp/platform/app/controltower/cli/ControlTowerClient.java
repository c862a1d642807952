package ai.dsp.platform.app.controltower.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The Control Tower's manifest API as the CLI calls it: JSON bodies, a bearer token, and the
 * version of a manifest as its ETag ({@code "<n>"}). The token goes into the Authorization header
 * and nowhere else: no message this class makes contains it.
 */
final class ControlTowerClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /** One answer: its status, its JSON body (null when empty or not JSON), the version its ETag names. */
    record Reply(int status, JsonNode body, OptionalInt version, String rawBody) {

        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final URI server;
    private final String token;
    private final HttpClient http;

    ControlTowerClient(String server, String token) {
        this.server = parseServer(server);
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    /** {@code /manifests/<id>} and deeper, with the id encoded as one path segment. */
    static String manifestPath(String projectId, String... rest) {
        StringBuilder path = new StringBuilder("/manifests/").append(URLEncoder.encode(projectId, StandardCharsets.UTF_8).replace("+", "%20"));
        for (String part : rest) {
            path.append('/').append(part);
        }
        return path.toString();
    }

    Reply get(String path) {
        return send(request(path).GET());
    }

    Reply post(String path, JsonNode body) {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    /** PUT; with {@code ifMatch} (a version) the server refuses with 412 unless that is still the current one. */
    Reply put(String path, JsonNode body, OptionalInt ifMatch) {
        HttpRequest.Builder request = request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString()));
        ifMatch.ifPresent(version -> request.header("If-Match", "\"" + version + "\""));
        return send(request);
    }

    /** {@code {"manifest": manifest}}, the API's write body. */
    static ObjectNode wrap(JsonNode manifest) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("manifest", manifest);
        return body;
    }

    /**
     * What a refusal says: {@code error: <message>} and, for a validation error, each
     * {@code <path>: <message>} of its list; {@code exitCode} is the command's code for a refusal.
     */
    static CliFailure refusal(Reply reply, int exitCode) {
        List<String> lines = new ArrayList<>();
        JsonNode body = reply.body();
        String message = body == null ? null : text(body, "message", text(body, "error", null));
        if (message == null) {
            String raw = reply.rawBody() == null ? "" : reply.rawBody().strip();
            message = "HTTP " + reply.status() + (raw.isEmpty() ? "" : ": " + (raw.length() > 200 ? raw.substring(0, 200) + "..." : raw));
        } else {
            String requestId = text(body, "requestId", null);
            message = message + " (HTTP " + reply.status() + (requestId == null ? "" : ", request " + requestId) + ")";
        }
        lines.add("error: " + message);
        if (body != null) {
            for (JsonNode error : body.path("errors")) {
                lines.add("  " + LocalValidation.line("error", error.path("path").asText(""), error.path("message").asText()));
            }
        }
        return new CliFailure(exitCode, lines);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server + path)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json");
        try {
            request.header("Authorization", "Bearer " + token);
        } catch (IllegalArgumentException e) {
            // the JDK's message may quote the value
            throw new CliFailure(CliFailure.UNUSABLE, "the token cannot be sent: it is not a valid HTTP header value");
        }
        return request;
    }

    private Reply send(HttpRequest.Builder builder) {
        HttpRequest request = builder.build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliFailure(CliFailure.UNUSABLE, "cannot reach " + server + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(CliFailure.UNUSABLE, "interrupted while calling " + server);
        }
        String raw = response.body();
        return new Reply(response.statusCode(), parse(raw), version(response.headers().firstValue("ETag").orElse(null)), raw);
    }

    /** {@code "3"} or {@code W/"3"} -> 3. */
    static OptionalInt version(String etag) {
        if (etag == null) {
            return OptionalInt.empty();
        }
        String value = etag.strip();
        if (value.startsWith("W/")) {
            value = value.substring(2);
        }
        value = value.replace("\"", "");
        try {
            return OptionalInt.of(Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    static String text(JsonNode body, String field, String otherwise) {
        JsonNode value = body.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : otherwise;
    }

    private static JsonNode parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(raw);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static URI parseServer(String server) {
        URI uri;
        try {
            uri = URI.create(server.endsWith("/") ? server.substring(0, server.length() - 1) : server);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(CliFailure.UNUSABLE, "--server must be an http(s) URL, not '" + server + "'");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new CliFailure(CliFailure.UNUSABLE, "--server must be an http(s) URL, not '" + server + "'");
        }
        return uri;
    }
}
