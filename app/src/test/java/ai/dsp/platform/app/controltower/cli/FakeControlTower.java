package ai.dsp.platform.app.controltower.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The manifest API's contract as the CLI relies on it (ETag versions, If-Match and 412, 404 then
 * POST, error bodies, history and rollback), served on a loopback port, so that the CLI's side of
 * the protocol is tested before the real API lands. ManifestCliTest runs the same commands
 * against the real application.
 */
final class FakeControlTower implements AutoCloseable {

    /** One request as it arrived. */
    record Request(String method, String path, Map<String, List<String>> headers, String body) {

        String header(String name) {
            return headers.entrySet().stream().filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .map(entry -> entry.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final String token;
    private final Map<String, List<ObjectNode>> versions = new HashMap<>();
    private final Map<String, List<ObjectNode>> history = new HashMap<>();
    final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger clock = new AtomicInteger();
    private final AtomicInteger requestIds = new AtomicInteger();
    private volatile Integer nextPutRefusedAt;

    FakeControlTower(String token) throws IOException {
        this.token = token;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Somebody else writes a version. */
    synchronized int write(String projectId, ObjectNode manifest) {
        return store(projectId, manifest, "update");
    }

    /** The next PUT answers 412 as if another writer had just made {@code version}. */
    void refuseNextPut(int version) {
        nextPutRefusedAt = version;
    }

    List<Request> requests(String method) {
        synchronized (requests) {
            return requests.stream().filter(request -> request.method().equals(method)).toList();
        }
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                Map.copyOf(exchange.getRequestHeaders()), body);
        requests.add(request);
        if (!("Bearer " + token).equals(request.header("Authorization"))) {
            reply(exchange, 401, error("unauthorized", "a valid bearer token is required"), null);
            return;
        }
        String[] parts = request.path().substring(1).split("/");
        String id = parts.length > 1 ? parts[1] : null;
        List<ObjectNode> current = id == null ? null : versions.get(id);
        int latest = current == null ? 0 : current.size();
        switch (request.method() + " " + (parts.length > 2 ? "/" + parts[2] : parts.length > 1 ? "/{id}" : "")) {
            case "GET /{id}" -> {
                if (current == null) {
                    reply(exchange, 404, error("not_found", "no manifest '" + id + "'"), null);
                } else {
                    reply(exchange, 200, current.get(latest - 1), latest);
                }
            }
            case "POST " -> {
                ObjectNode manifest = (ObjectNode) Json.MAPPER.readTree(body).path("manifest");
                String projectId = manifest.path("project_id").asText();
                if (invalid(exchange, manifest)) {
                    return;
                }
                if (versions.containsKey(projectId)) {
                    reply(exchange, 409, error("conflict", "'" + projectId + "' exists"), null);
                    return;
                }
                int version = store(projectId, manifest, "create");
                ObjectNode answer = written("created", projectId, version);
                answer.putArray("warnings").addObject().put("path", "/modules/0/status").put("message", "no status: enabled is assumed");
                reply(exchange, 201, answer, version);
            }
            case "PUT /{id}" -> {
                ObjectNode manifest = (ObjectNode) Json.MAPPER.readTree(body).path("manifest");
                String ifMatch = request.header("If-Match");
                Integer refused = nextPutRefusedAt;
                if (refused != null || (ifMatch != null && !ifMatch.equals("\"" + latest + "\""))) {
                    nextPutRefusedAt = null;
                    ObjectNode answer = error("precondition_failed", "version " + ifMatch + " is not the current one");
                    answer.put("current_version", refused != null ? refused : latest);
                    reply(exchange, 412, answer, null);
                    return;
                }
                if (invalid(exchange, manifest)) {
                    return;
                }
                int version = store(id, manifest, "update");
                reply(exchange, 200, written("updated", id, version), version);
            }
            case "GET /versions" -> {
                ObjectNode answer = Json.MAPPER.createObjectNode().put("project_id", id);
                ArrayNode list = answer.putArray("versions");
                history.getOrDefault(id, List.of()).forEach(list::add);
                answer.put("count", list.size());
                reply(exchange, 200, answer, null);
            }
            case "POST /rollback" -> {
                int target = Json.MAPPER.readTree(body).path("version").asInt();
                if (current == null || target < 1 || target > latest) {
                    reply(exchange, 404, error("not_found", "no version " + target + " of '" + id + "'"), null);
                    return;
                }
                int version = store(id, Json.withoutTimestamps(current.get(target - 1)), "rollback");
                reply(exchange, 200, written("rolled back", id, version).put("rolled_back_to", target), version);
            }
            default -> reply(exchange, 404, error("not_found", "no route " + request.method() + " " + request.path()), null);
        }
    }

    /** A module named "bad" is this fake's validation error. */
    private boolean invalid(HttpExchange exchange, JsonNode manifest) throws IOException {
        for (int i = 0; i < manifest.path("modules").size(); i++) {
            if ("bad".equals(manifest.path("modules").get(i).path("name").asText())) {
                ObjectNode answer = error("validation_failed", "the manifest is invalid");
                answer.putArray("errors").addObject().put("path", "/modules/" + i + "/name").put("message", "'bad' is not a good name");
                reply(exchange, 400, answer, null);
                return true;
            }
        }
        return false;
    }

    private int store(String projectId, ObjectNode manifest, String change) {
        List<ObjectNode> list = versions.computeIfAbsent(projectId, key -> new ArrayList<>());
        ObjectNode stored = Json.withoutTimestamps(manifest);
        String now = Instant.EPOCH.plusSeconds(clock.incrementAndGet()).toString();
        stored.put(Json.CREATED_AT, list.isEmpty() ? now : list.get(0).path(Json.CREATED_AT).asText());
        stored.put(Json.UPDATED_AT, now);
        list.add(stored);
        history.computeIfAbsent(projectId, key -> new ArrayList<>()).add(Json.MAPPER.createObjectNode()
                .put("version", list.size()).put("change", change).put("author", "admin").put("created_at", now)
                .put("summary", change + " of " + projectId));
        return list.size();
    }

    private static ObjectNode written(String what, String projectId, int version) {
        return Json.MAPPER.createObjectNode().put("message", projectId + " " + what).put("manifest_id", projectId).put("version", version);
    }

    private ObjectNode error(String error, String message) {
        return Json.MAPPER.createObjectNode().put("error", error).put("message", message).put("requestId", "req-" + requestIds.incrementAndGet());
    }

    private static void reply(HttpExchange exchange, int status, JsonNode body, Integer version) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (version != null) {
            exchange.getResponseHeaders().add("ETag", "\"" + version + "\"");
        }
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
