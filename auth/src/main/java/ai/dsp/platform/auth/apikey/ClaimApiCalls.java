package ai.dsp.platform.auth.apikey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP calls of {@code type: api} claims: only to the configured hosts (a key file must not
 * make the platform call anywhere it likes), with a timeout, and each answer reused for the
 * cache TTL. Redirects are not followed, so an allowed host cannot send the call elsewhere.
 */
public final class ClaimApiCalls {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** More distinct calls than this within a TTL start the cache afresh. */
    private static final int MAX_CACHED = 10_000;

    /** Why a claim's call gave no value (the claim's failure policy decides what follows). */
    public static final class CallFailedException extends Exception {
        CallFailedException(String message) {
            super(message);
        }
    }

    private record Cached(Object value, Instant expires) {
    }

    private final List<String> allowedHosts;
    private final Duration timeout;
    private final Duration ttl;
    private final Clock clock;
    private final HttpClient http;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public ClaimApiCalls(List<String> allowedHosts, Duration timeout, Duration ttl, Clock clock) {
        this.allowedHosts = allowedHosts.stream().map(host -> host.toLowerCase(Locale.ROOT)).toList();
        this.timeout = timeout;
        this.ttl = ttl;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The value at {@code responseField} (a dot path; empty: the whole JSON answer) of a 200 answer. */
    public Object call(String method, String url, Map<String, String> headers, String responseField) throws CallFailedException {
        URI uri = allowed(url);
        String cacheKey = method + " " + uri + " " + headers;
        Instant now = clock.instant();
        Cached cached = cache.get(cacheKey);
        if (cached != null && now.isBefore(cached.expires())) {
            return cached.value();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CallFailedException(uri.getHost() + " did not answer: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallFailedException("interrupted");
        }
        if (response.statusCode() != 200) {
            throw new CallFailedException(uri.getHost() + " answered " + response.statusCode());
        }
        Object value = field(response.body(), responseField);
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(cacheKey, new Cached(value, now.plus(ttl)));
        return value;
    }

    private URI allowed(String url) throws CallFailedException {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new CallFailedException("not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new CallFailedException("only http and https URLs with a host are called");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (!allowedHosts.contains(host) && !allowedHosts.contains(host + ":" + uri.getPort())) {
            throw new CallFailedException("host " + host + " is not in dsp.auth.api-keys.claim-api-hosts");
        }
        return uri;
    }

    private static Object field(String body, String path) throws CallFailedException {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (IOException e) {
            throw new CallFailedException("the answer is not JSON");
        }
        if (path != null && !path.isBlank()) {
            for (String part : path.split("\\.")) {
                node = node == null ? null : node.get(part);
            }
        }
        return node == null || node.isNull() ? null : JSON.convertValue(node, Object.class);
    }
}
