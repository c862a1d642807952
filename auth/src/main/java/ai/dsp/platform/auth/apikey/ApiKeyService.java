package ai.dsp.platform.auth.apikey;

import ai.dsp.platform.auth.AuthenticationFailedException;
import ai.dsp.platform.auth.Digests;
import ai.dsp.platform.auth.token.TokenService;
import ai.dsp.platform.auth.user.UserAccount;
import ai.dsp.platform.auth.user.UserDirectory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The claims an API key adds, in one documented order: the user's own claims ({@code name},
 * {@code email}, {@code groups}, {@code roles}), then the key's {@code claims.static}, then its
 * {@code claims.dynamic} in file order, then {@code api_key_id}. A key's claims never replace the
 * platform's own ({@link TokenService#RESERVED}: {@code sub}, {@code iss}, {@code aud}, {@code exp},
 * ...), and its {@code roles} and {@code groups} can only narrow the user's: a key cannot grant
 * what its holder lacks.
 */
public final class ApiKeyService {

    private static final String API_KEY_ID = TokenService.API_KEY_ID;
    /** Claims a key may narrow but never widen. */
    private static final Set<String> NARROWED = Set.of("roles", "groups");
    private static final String INLINE_ID = "inline_config";

    /** What a login or an {@code X-API-Key} call is granted; {@code key} is null for a login without a key and no base file. */
    public record Grant(String subject, Map<String, Object> claims, ApiKey key) {

        /** The seed's {@code jwe_config} of the key, if any. */
        public Map<String, Object> jweConfig() {
            return key == null ? null : key.jweConfig();
        }

        /** The key's id when the grant came from a key or an inline config (not from the base claims). */
        public String apiKeyId() {
            Object id = claims.get(API_KEY_ID);
            return id == null ? null : id.toString();
        }
    }

    private record CachedGrant(Grant grant, Instant expires) {
    }

    private final ApiKeyStore store;
    private final DynamicClaims dynamic;
    private final UserDirectory users;
    private final Clock clock;
    private final Duration cacheTtl;
    private final Map<String, CachedGrant> keyCallers = new ConcurrentHashMap<>();

    public ApiKeyService(ApiKeyStore store, DynamicClaims dynamic, UserDirectory users, Clock clock, Duration cacheTtl) {
        this.store = store;
        this.dynamic = dynamic;
        this.users = users;
        this.clock = clock;
        this.cacheTtl = cacheTtl;
    }

    public ApiKeyStore store() {
        return store;
    }

    /**
     * The claims of {@code user}'s tokens: with {@code inlineConfig} (the seed's
     * {@code api_key_config}, which wins as in the seed), else the key {@code presentedKey}
     * (unknown or expired: refused, where the seed fell back to the base claims), else the base
     * file. {@code requestContext} adds names formulas may use (e.g. {@code requested_model}).
     */
    public Grant forLogin(UserAccount user, String presentedKey, Map<String, Object> inlineConfig, Map<String, Object> requestContext) {
        ApiKey key;
        if (inlineConfig != null) {
            Object id = inlineConfig.get("id");
            Map<String, Object> document = new LinkedHashMap<>(inlineConfig);
            document.put("id", id == null ? INLINE_ID : id.toString());
            // a made-up key hash: an inline config is no key anyone could present later
            document.put(ApiKey.KEY_HASH, Digests.sha256Hex("inline:" + document.get("id")));
            key = ApiKeyFiles.parse(Path.of(INLINE_ID + ".yaml"), document);
        } else if (presentedKey != null) {
            key = store.authenticate(presentedKey).orElseThrow(() -> new AuthenticationFailedException("Invalid API key"));
        } else {
            // the base claims are everyone's: no key id, so no shared per-key rate limit either
            return grant(user.username(), user, store.base().orElse(null), requestContext, false);
        }
        return grant(user.username(), user, key, requestContext, true);
    }

    /**
     * The caller of an {@code X-API-Key} request: the key's owner, narrowed by the key. The key is
     * checked on every call (deleted, expired, rotated out: refused at once; its use recorded);
     * the claims computed for it are reused for the cache TTL.
     */
    public Grant forKey(String presentedKey) {
        ApiKey key = store.authenticate(presentedKey).orElseThrow(() -> new AuthenticationFailedException("Invalid API key"));
        String cacheKey = Digests.sha256Hex(presentedKey);
        Instant now = clock.instant();
        CachedGrant cached = keyCallers.get(cacheKey);
        if (cached != null && now.isBefore(cached.expires()) && cached.grant().key().equals(key)) {
            return cached.grant();
        }
        UserAccount owner = key.owner() == null ? null : users.account(key.owner()).orElse(null);
        // an owner who is no user of this platform lends no identity, roles or groups
        UserAccount acting = owner != null ? owner : new UserAccount(key.id(), key.owner(), null, List.of(), List.of());
        Grant grant = grant(acting.username(), acting, key, Map.of(), true);
        if (keyCallers.size() > 10_000) {
            keyCallers.clear();
        }
        keyCallers.put(cacheKey, new CachedGrant(grant, now.plus(cacheTtl)));
        return grant;
    }

    private Grant grant(String subject, UserAccount user, ApiKey key, Map<String, Object> requestContext, boolean keyed) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("name", user.name());
        claims.put("email", user.email());
        claims.put("groups", user.groups());
        claims.put("roles", user.roles());
        if (key == null) {
            return new Grant(subject, claims, null);
        }
        Map<String, Object> context = context(user, key, requestContext);
        mergeInto(claims, key.staticClaims(), user);
        mergeInto(claims, dynamic.evaluate(key, context), user);
        if (keyed) {
            claims.put(API_KEY_ID, key.id());
        }
        return new Grant(subject, claims, key);
    }

    /** The user context of the seed ({@code user_id}, {@code email}, {@code groups}, {@code roles}, {@code team_id}), the key's id and the request's names. */
    static Map<String, Object> context(UserAccount user, ApiKey key, Map<String, Object> requestContext) {
        Map<String, Object> context = new LinkedHashMap<>();
        if (requestContext != null) {
            context.putAll(requestContext);
        }
        // what the platform knows wins over what the request says
        context.put("user_id", user.username());
        context.put("email", user.email());
        context.put("groups", user.groups());
        context.put("roles", user.roles());
        context.put("team_id", teamOf(user.groups()));
        context.put(API_KEY_ID, key.id());
        context.put("api_key", key.id());
        return context;
    }

    /** The seed's team derivation from groups. */
    static String teamOf(List<String> groups) {
        if (groups.contains("administrators") || groups.contains("admins")) {
            return "admin-team";
        }
        if (groups.contains("ai-team")) {
            return "ai-team";
        }
        if (groups.contains("ml-team")) {
            return "ml-team";
        }
        return "general-users";
    }

    private static void mergeInto(Map<String, Object> claims, Map<String, Object> added, UserAccount user) {
        added.forEach((name, value) -> {
            if (TokenService.RESERVED.contains(name)) {
                return;
            }
            if (NARROWED.contains(name)) {
                List<String> held = "roles".equals(name) ? user.roles() : user.groups();
                List<?> asked = value instanceof List<?> list ? list : List.of(value);
                claims.put(name, asked.stream().map(String::valueOf).filter(held::contains).distinct().toList());
                return;
            }
            claims.put(name, value);
        });
    }
}
