package ai.dsp.platform.auth.apikey;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One API key as its file describes it, in the seed's format ({@code id}, {@code owner},
 * {@code provider_permissions}, {@code endpoint_permissions}, {@code claims.static},
 * {@code claims.dynamic}, {@code metadata}, {@code jwe_config}) plus the platform's own fields:
 * {@code key_sha256} (the key itself is never stored), {@code expires_at}, {@code created_at} and,
 * after a rotation, {@code previous_key_sha256} with {@code previous_key_expires_at}.
 *
 * @param legacy   a seed file whose name is the key (no {@code key_sha256}): accepted, and flagged
 * @param document the whole file as read, for {@code GET /api-keys/{id}} (without the hashes)
 */
public record ApiKey(String id, String owner, Path file, String keyHash, String previousKeyHash, Instant previousKeyExpiresAt,
                     Instant expiresAt, boolean legacy, Map<String, Object> staticClaims,
                     Map<String, Map<String, Object>> dynamicClaims, Map<String, Object> metadata, Map<String, Object> jweConfig,
                     Map<String, Object> document) {

    static final String KEY_HASH = "key_sha256";
    static final String PREVIOUS_KEY_HASH = "previous_key_sha256";
    static final String PREVIOUS_KEY_EXPIRES = "previous_key_expires_at";
    static final String EXPIRES = "expires_at";
    static final String CREATED = "created_at";

    /** The seed's fields that {@code GET /api-keys} lists. */
    public Map<String, Object> summary() {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("id", id);
        summary.put("filename", file.getFileName().toString());
        summary.put("owner", owner);
        summary.put("provider_permissions", document.getOrDefault("provider_permissions", List.of()));
        summary.put("endpoint_permissions", document.getOrDefault("endpoint_permissions", List.of()));
        summary.put("static_claims", staticClaims);
        summary.put("created_at", document.get(CREATED));
        summary.put("expires_at", expiresAt == null ? null : expiresAt.toString());
        summary.put("legacy", legacy);
        return summary;
    }

    /** The file's content without the hashes. */
    public Map<String, Object> withoutSecrets() {
        Map<String, Object> shown = new LinkedHashMap<>(document);
        shown.remove(KEY_HASH);
        shown.remove(PREVIOUS_KEY_HASH);
        shown.put("legacy", legacy);
        return shown;
    }

    boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
