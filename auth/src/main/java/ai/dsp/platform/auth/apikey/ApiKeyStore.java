package ai.dsp.platform.auth.apikey;

import ai.dsp.platform.auth.Digests;
import ai.dsp.platform.auth.user.OwnerOnlyFiles;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The API-key files of one folder, read again when they change, and the keys' last use. A key is
 * found by the SHA-256 of what the caller sent, compared with every stored hash in constant time;
 * only the hash is written. The seed's files whose name is the key are accepted (flagged at start
 * and in listings); {@code base_api_key.yaml} holds the claims of a login without a key and is no
 * key itself.
 */
public final class ApiKeyStore {

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** A changed folder is noticed within this time. */
    private static final Duration SCAN_INTERVAL = Duration.ofSeconds(1);
    /** Last-used times reach the state file at most this often. */
    private static final Duration USAGE_FLUSH_INTERVAL = Duration.ofMinutes(1);

    /** A key just made or rotated: the only time the key itself is known. */
    public record Issued(ApiKey key, String secret) {
    }

    private record Loaded(FileTime version, ApiKey key) {
    }

    private final Path dir;
    private final Path usageFile;
    private final Duration rotationOverlap;
    private final Clock clock;
    private final Map<Path, Loaded> files = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastUsed = new ConcurrentHashMap<>();
    private volatile long nextScan;
    private volatile Instant usageFlushed = Instant.EPOCH;

    public ApiKeyStore(Path dir, Path usageFile, Duration rotationOverlap, Clock clock) {
        this.dir = dir;
        this.usageFile = usageFile;
        this.rotationOverlap = rotationOverlap;
        this.clock = clock;
        readUsage();
        scan();
        List<String> legacy = keys().stream().filter(ApiKey::legacy).map(key -> key.file().getFileName().toString()).sorted().toList();
        if (!legacy.isEmpty()) {
            LOG.warn("API-key files {} in {} are the seed's kind whose file name is the key: anyone who can list the folder holds the "
                    + "keys; replace them with keys made by POST /api-keys", legacy, dir);
        }
    }

    /** The key whose SHA-256 matches, unexpired (a rotated-out key within its overlap window); its use is recorded. */
    public Optional<ApiKey> authenticate(String presented) {
        if (presented == null || presented.isBlank() || presented.length() > 512) {
            return Optional.empty();
        }
        byte[] digest = Digests.sha256Hex(presented).getBytes(StandardCharsets.US_ASCII);
        Instant now = clock.instant();
        ApiKey found = null;
        // every stored hash is compared, with a constant-time comparison, whatever matched before
        for (ApiKey key : keys()) {
            boolean current = sameHash(digest, key.keyHash());
            boolean previous = key.previousKeyHash() != null && sameHash(digest, key.previousKeyHash())
                    && key.previousKeyExpiresAt() != null && now.isBefore(key.previousKeyExpiresAt());
            if ((current || previous) && !key.expired(now)) {
                found = key;
            }
        }
        if (found != null) {
            used(found.id(), now);
        }
        return Optional.ofNullable(found);
    }

    /** Both are lower-case hex (checked when a file is read), so comparing their characters compares the digests. */
    private static boolean sameHash(byte[] digestHex, String storedHex) {
        return MessageDigest.isEqual(digestHex, storedHex.getBytes(StandardCharsets.US_ASCII));
    }

    /** The claims of logins without a key ({@code base_api_key.yaml}), if the folder has one. */
    public Optional<ApiKey> base() {
        scanIfDue();
        Loaded base = files.get(dir.resolve(ApiKeyFiles.BASE_FILE));
        return base == null ? Optional.empty() : Optional.of(base.key());
    }

    public List<ApiKey> list() {
        return keys().stream().sorted((a, b) -> a.id().compareTo(b.id())).toList();
    }

    public Optional<ApiKey> byId(String id) {
        return keys().stream().filter(key -> key.id().equals(id)).findFirst();
    }

    public Optional<Instant> lastUsed(String id) {
        return Optional.ofNullable(lastUsed.get(id));
    }

    /** A new key for {@code document} (the seed's fields); its file is {@code <id>.yaml}. */
    public synchronized Issued create(Map<String, Object> document) {
        String id = "api-key-" + HexFormat.of().formatHex(randomBytes(4));
        String secret = newSecret();
        Map<String, Object> stored = new LinkedHashMap<>();
        // first in the file, and never the caller's
        stored.put("id", id);
        stored.putAll(document);
        stored.put("id", id);
        stored.put(ApiKey.KEY_HASH, Digests.sha256Hex(secret));
        stored.put(ApiKey.CREATED, clock.instant().toString());
        return new Issued(store(dir.resolve(id + ".yaml"), stored), secret);
    }

    /** Replaces the fields given (the others, {@code metadata} and {@code jwe_config} too, stay). */
    public synchronized ApiKey update(String id, Map<String, Object> fields) {
        ApiKey key = existing(id);
        Map<String, Object> stored = new LinkedHashMap<>(key.document());
        stored.putAll(fields);
        stored.put("id", id);
        return store(key.file(), stored);
    }

    /** A new key in place of the current one, which keeps working for the rotation overlap. */
    public synchronized Issued rotate(String id) {
        ApiKey key = existing(id);
        if (key.legacy()) {
            throw new IllegalArgumentException("API key " + id + " is a seed file whose name is the key; make a new key with POST /api-keys");
        }
        String secret = newSecret();
        Map<String, Object> stored = new LinkedHashMap<>(key.document());
        stored.put(ApiKey.PREVIOUS_KEY_HASH, key.keyHash());
        stored.put(ApiKey.PREVIOUS_KEY_EXPIRES, clock.instant().plus(rotationOverlap).toString());
        stored.put(ApiKey.KEY_HASH, Digests.sha256Hex(secret));
        return new Issued(store(key.file(), stored), secret);
    }

    public synchronized boolean delete(String id) {
        Optional<ApiKey> key = byId(id);
        if (key.isEmpty()) {
            return false;
        }
        try {
            Files.deleteIfExists(key.get().file());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + key.get().file(), e);
        }
        files.remove(key.get().file());
        lastUsed.remove(id);
        return true;
    }

    private ApiKey existing(String id) {
        return byId(id).orElseThrow(() -> new UnknownApiKeyException(id));
    }

    private ApiKey store(Path file, Map<String, Object> document) {
        ApiKey parsed = ApiKeyFiles.parse(file, document);
        try {
            Files.createDirectories(dir);
            OwnerOnlyFiles.replace(file, ApiKeyFiles.write(document));
            files.put(file, new Loaded(Files.getLastModifiedTime(file), parsed));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return parsed;
    }

    private List<ApiKey> keys() {
        scanIfDue();
        return files.values().stream().map(Loaded::key)
                .filter(key -> !key.file().getFileName().toString().equals(ApiKeyFiles.BASE_FILE)).toList();
    }

    private void scanIfDue() {
        long now = System.nanoTime();
        if (now - nextScan > 0) {
            scan();
        }
    }

    /** Reads new and changed files; a file that no longer parses keeps its last good version (and is logged). */
    private synchronized void scan() {
        nextScan = System.nanoTime() + SCAN_INTERVAL.toNanos();
        if (!Files.isDirectory(dir)) {
            files.clear();
            return;
        }
        List<Path> present;
        try (Stream<Path> listing = Files.list(dir)) {
            present = listing.filter(ApiKeyFiles::isKeyFile).toList();
        } catch (IOException e) {
            LOG.error("cannot list the API-key folder {}; the keys read before stay: {}", dir, e.getMessage());
            return;
        }
        files.keySet().retainAll(present);
        for (Path file : present) {
            try {
                FileTime version = Files.getLastModifiedTime(file);
                Loaded loaded = files.get(file);
                if (loaded == null || !loaded.version().equals(version)) {
                    files.put(file, new Loaded(version, ApiKeyFiles.read(file)));
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("cannot read the API-key file {}{}: {}", file, files.containsKey(file) ? " (its previous version stays)" : "",
                        e.getMessage());
            }
        }
    }

    private void used(String id, Instant now) {
        lastUsed.put(id, now);
        if (usageFile != null && Duration.between(usageFlushed, now).compareTo(USAGE_FLUSH_INTERVAL) >= 0) {
            usageFlushed = now;
            writeUsage();
        }
    }

    /** Written now and then, not on every call: a last-used time is a hint for cleaning up, not an audit record. */
    public synchronized void writeUsage() {
        if (usageFile == null) {
            return;
        }
        try {
            Map<String, String> snapshot = new LinkedHashMap<>();
            lastUsed.forEach((id, time) -> snapshot.put(id, time.toString()));
            OwnerOnlyFiles.replace(usageFile, JSON.writeValueAsString(snapshot));
        } catch (IOException e) {
            LOG.warn("cannot write the API keys' last-used times to {}: {}", usageFile, e.getMessage());
        }
    }

    private void readUsage() {
        if (usageFile == null || !Files.isRegularFile(usageFile)) {
            return;
        }
        try {
            Map<String, String> stored = JSON.readValue(Files.readString(usageFile, StandardCharsets.UTF_8), new TypeReference<>() {
            });
            stored.forEach((id, time) -> lastUsed.put(id, Instant.parse(time)));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read the API keys' last-used times from {}: {}", usageFile, e.getMessage());
        }
    }

    private static String newSecret() {
        return "dsp_" + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
