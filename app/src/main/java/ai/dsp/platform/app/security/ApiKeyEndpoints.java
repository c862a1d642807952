package ai.dsp.platform.app.security;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.api.NotFoundException;
import ai.dsp.platform.auth.apikey.ApiKey;
import ai.dsp.platform.auth.apikey.ApiKeyStore;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api-keys} (admin role; routes/api-keys.camel.yaml), the seed's calls with one
 * identifier, the key's {@code id}, for GET, PUT and DELETE (the seed used the id for GET and the
 * file name, which was the key, for PUT and DELETE). A key is shown once, when it is made or
 * rotated; only its SHA-256 is kept.
 */
@Component("apiKeyEndpoints")
public class ApiKeyEndpoints {

    /** The seed's defaults for what {@code POST /api-keys} leaves out. */
    private static final List<String> DEFAULT_PROVIDERS = List.of("openai");
    private static final List<String> DEFAULT_ENDPOINTS = List.of("/v1/chat/completions", "/v1/embeddings");
    private static final Map<String, Object> DEFAULT_STATIC = Map.of("models", List.of("gpt-3.5-turbo"), "rate_limit", 20,
            "tier", "standard", "exp_hours", 1);
    /** Fields a request may set, as the seed names them, besides the claims. */
    private static final List<String> PLAIN_FIELDS = List.of("owner", "provider_permissions", "endpoint_permissions", "metadata",
            "jwe_config", "expires_at");

    private final ApiKeyStore store;

    public ApiKeyEndpoints(ApiKeyStore store) {
        this.store = store;
    }

    public List<Map<String, Object>> list() {
        return store.list().stream().map(key -> withLastUse(key.summary(), key)).toList();
    }

    public Map<String, Object> get(String id) {
        ApiKey key = existing(id);
        return withLastUse(key.withoutSecrets(), key);
    }

    /** {@code POST /api-keys}: {@code owner} required; the answer holds {@code api_key}, shown this once. */
    public Map<String, Object> create(Map<String, Object> body) {
        if (body == null || body.get("owner") == null || body.get("owner").toString().isBlank()) {
            throw new BadRequestException("owner is required");
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("provider_permissions", DEFAULT_PROVIDERS);
        document.put("endpoint_permissions", DEFAULT_ENDPOINTS);
        document.putAll(fields(body, Map.of("static", DEFAULT_STATIC)));
        return issued(store.create(document));
    }

    /** {@code PUT /api-keys/{id}}: the fields sent replace the stored ones; {@code metadata} and {@code jwe_config} stay unless sent. */
    public Map<String, Object> update(String id, Map<String, Object> body) {
        ApiKey key = existing(id);
        Object claims = key.document().get("claims");
        Map<String, Object> fields = fields(body == null ? Map.of() : body, claims instanceof Map<?, ?> map ? copy(map) : Map.of());
        return store.update(id, fields).withoutSecrets();
    }

    public Map<String, Object> delete(String id) {
        if (!store.delete(id)) {
            throw new NotFoundException("no API key has the id " + id);
        }
        return Map.of("message", "API key deleted successfully");
    }

    /** {@code POST /api-keys/{id}/rotate}: a new key; the old one works until {@code previous_key_expires_at}. */
    public Map<String, Object> rotate(String id) {
        existing(id);
        return issued(store.rotate(id));
    }

    private ApiKey existing(String id) {
        return store.byId(id).orElseThrow(() -> new NotFoundException("no API key has the id " + id));
    }

    private Map<String, Object> issued(ApiKeyStore.Issued issued) {
        Map<String, Object> answer = issued.key().withoutSecrets();
        answer.put("api_key", issued.secret());
        answer.put("note", "the key is shown only now: only its SHA-256 is stored");
        return answer;
    }

    private Map<String, Object> withLastUse(Map<String, Object> shown, ApiKey key) {
        shown.put("last_used", store.lastUsed(key.id()).map(Instant::toString).orElse(null));
        return shown;
    }

    /** The request's fields in the file's layout: the seed's {@code static_claims}/{@code dynamic_claims} or a {@code claims} map. */
    private static Map<String, Object> fields(Map<String, Object> body, Map<String, Object> claimsBefore) {
        Map<String, Object> fields = new LinkedHashMap<>();
        PLAIN_FIELDS.stream().filter(body::containsKey).forEach(name -> fields.put(name, body.get(name)));
        Map<String, Object> claims = new LinkedHashMap<>(claimsBefore);
        if (body.get("claims") instanceof Map<?, ?> given) {
            claims.putAll(copy(given));
        }
        if (body.containsKey("static_claims")) {
            claims.put("static", body.get("static_claims"));
        }
        if (body.containsKey("dynamic_claims")) {
            claims.put("dynamic", body.get("dynamic_claims"));
        }
        if (!claims.isEmpty()) {
            fields.put("claims", claims);
        }
        return fields;
    }

    private static Map<String, Object> copy(Map<?, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(String.valueOf(k), v));
        return copy;
    }
}
