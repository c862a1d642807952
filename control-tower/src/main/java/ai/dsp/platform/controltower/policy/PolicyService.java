package ai.dsp.platform.controltower.policy;

import ai.dsp.platform.controltower.policy.PolicyMetrics.Operation;
import ai.dsp.platform.controltower.policy.PolicyMetrics.Result;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The Control Tower's policies for everyone who needs them: the HTTP API, the Front Door, the
 * client-secret check of the security layer and the CLI. Policies are compiled once per version
 * and kept; a file edited on disk is noticed within {@code refresh} (its time and size are looked
 * at no more often), a change through this service at once. Every decision and change is counted
 * ({@link PolicyMetrics}).
 */
public final class PolicyService {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyService.class);

    /** A policy as the list shows it; {@code error} when its file cannot be used (then it allows nothing). */
    public record Listed(String clientId, String path, boolean enabled, String error) {
    }

    /** A decision and the policy (file) that made it. */
    public record Evaluated(String clientId, String path, Decision decision) {
    }

    /** Where a user has a role in a policy: the seed's {@code /user-policies} entry. */
    public record UserPolicy(String clientId, String path, boolean enabled, String userRole, List<GroupRole> groupRoles,
                             Map<String, List<String>> userActions, Map<String, List<String>> groupActions, String effectiveRole) {
    }

    public record GroupRole(String groupId, String role) {
    }

    /** A loaded policy (compiled, or why it could not be) and when its file was last looked at. */
    private record Entry(PolicyStore.Stamp stamp, CompiledPolicy compiled, String error, long checkedNanos) {

        Entry checkedAt(long nanos) {
            return new Entry(stamp, compiled, error, nanos);
        }
    }

    private final PolicyStore store;
    private final PolicyEvaluator evaluator;
    private final PolicyMetrics metrics;
    private final long refreshNanos;
    private final Map<String, Entry> loaded = new ConcurrentHashMap<>();
    /** The folder's client ids as last listed: the Front Door asks per call, the folder is read once per refresh. */
    private volatile Listing listing;

    private record Listing(List<String> ids, long listedNanos) {
    }

    public PolicyService(PolicyStore store, PolicyEvaluator evaluator, PolicyMetrics metrics, Duration refresh) {
        this.store = store;
        this.evaluator = evaluator;
        this.metrics = metrics;
        this.refreshNanos = refresh.toNanos();
    }

    /** The client ids of the enabled, valid policies whose {@code project} is {@code project}. */
    public List<String> forProject(String project) {
        List<String> clients = new ArrayList<>();
        for (String id : ids()) {
            Entry entry = entry(id);
            if (entry != null && entry.compiled() != null && entry.compiled().policy().enabled()
                    && project.equals(entry.compiled().policy().project())) {
                clients.add(id);
            }
        }
        return clients;
    }

    /** Every policy file, valid or not, by client id. */
    public List<Listed> list() {
        List<Listed> listed = new ArrayList<>();
        for (String id : ids()) {
            Entry entry = entry(id);
            if (entry != null) {
                listed.add(new Listed(id, path(entry), entry.compiled() != null && entry.compiled().policy().enabled(), entry.error()));
            }
        }
        return listed;
    }

    /**
     * The stored policy of {@code clientId}.
     *
     * @throws PolicyNotFoundException when there is none
     * @throws InvalidPolicyException  when its file cannot be used
     */
    public Policy get(String clientId) {
        Entry entry = required(clientId);
        if (entry.compiled() == null) {
            throw new InvalidPolicyException(entry.error());
        }
        return entry.compiled().policy();
    }

    /** The path the answers show for {@code clientId}'s file. */
    public String path(String clientId) {
        return path(required(clientId));
    }

    /** Stores a policy for a new client. @throws PolicyExistsException when the client has one */
    public Policy add(Policy policy) {
        return change(Operation.ADD, () -> {
            CompiledPolicy compiled = evaluator.compile(policy);
            store.create(policy);
            listing = null;
            return remember(compiled);
        });
    }

    /**
     * Replaces a client's policy; a policy without a client secret keeps the stored one (answers
     * never show it, so a read-modify-write cannot carry it).
     *
     * @throws PolicyNotFoundException when the client has none
     */
    public Policy update(Policy policy) {
        return change(Operation.UPDATE, () -> {
            Policy before = storedOrNull(policy.clientId());
            Policy replacing = policy.hasClientSecret() || before == null ? policy
                    : policy.withClientSecret(before.clientSecretHash(), before.clientSalt());
            CompiledPolicy compiled = evaluator.compile(replacing);
            store.replace(replacing);
            return remember(compiled);
        });
    }

    /** @throws PolicyNotFoundException when the client has no policy */
    public void delete(String clientId) {
        change(Operation.DELETE, () -> {
            if (!store.delete(clientId)) {
                throw new PolicyNotFoundException(clientId);
            }
            loaded.remove(clientId);
            listing = null;
            return null;
        });
    }

    /** The seed's {@code PATCH /policies/{id}/status}. @throws PolicyNotFoundException when the client has no policy */
    public Policy setEnabled(String clientId, boolean enabled) {
        return change(enabled ? Operation.ENABLE : Operation.DISABLE, () -> {
            Policy current = get(clientId);
            Policy changed = current.withEnabled(enabled);
            CompiledPolicy compiled = evaluator.compile(changed);
            store.replace(changed);
            return remember(compiled);
        });
    }

    /**
     * The decision of {@code clientId}'s policy for {@code input}. A policy whose file cannot be
     * used denies, saying why.
     *
     * @throws PolicyNotFoundException when the client has no policy
     */
    public Evaluated evaluate(String clientId, Map<String, ?> input) {
        long started = System.nanoTime();
        Entry entry;
        try {
            entry = required(clientId);
        } catch (RuntimeException e) {
            metrics.evaluated(Result.ERROR, System.nanoTime() - started);
            throw e;
        }
        return evaluate(clientId, entry, input, started);
    }

    /** The seed's {@code /batch-evaluate} body: {@code input} against every enabled policy, by client id. */
    public List<Evaluated> evaluateEnabled(Map<String, ?> input) {
        List<Evaluated> results = new ArrayList<>();
        for (String id : ids()) {
            long started = System.nanoTime();
            Entry entry = entry(id);
            if (entry != null && (entry.compiled() == null || entry.compiled().policy().enabled())) {
                results.add(evaluate(id, entry, input, started));
            }
        }
        return results;
    }

    private Evaluated evaluate(String clientId, Entry entry, Map<String, ?> input, long started) {
        if (entry.compiled() == null) {
            metrics.evaluated(Result.ERROR, System.nanoTime() - started);
            return new Evaluated(clientId, path(entry), Decision.deny("policy " + clientId + " cannot be used: " + entry.error()));
        }
        Decision decision = evaluator.evaluate(entry.compiled(), input);
        metrics.evaluated(decision.allow() ? Result.ALLOW : Result.DENY, System.nanoTime() - started);
        return new Evaluated(clientId, path(entry), decision);
    }

    /**
     * Whether {@code secret} is the client's (the seed's {@code X-DSPAI-Client-ID} and
     * {@code X-DSPAI-Client-Secret}): sha256(secret + salt) in hex against the policy's, in
     * constant time. False for an unknown client, one without a secret, or a policy that cannot be
     * used. As in the seed, a disabled policy's client still authenticates (its decisions deny).
     */
    public boolean verifyClient(String clientId, String secret) {
        if (clientId == null || secret == null || !Policy.CLIENT_ID.matcher(clientId).matches()) {
            return false;
        }
        Entry entry = entry(clientId);
        if (entry == null || entry.compiled() == null || !entry.compiled().policy().hasClientSecret()) {
            return false;
        }
        Policy policy = entry.compiled().policy();
        return ClientSecrets.matches(secret, policy.clientSalt(), policy.clientSecretHash());
    }

    /**
     * The enabled policies where {@code userId} or one of {@code groupIds} has a role, with the
     * actions of those roles and the role an evaluation would use (the seed's {@code /user-policies}).
     */
    public List<UserPolicy> userPolicies(String userId, List<String> groupIds) {
        List<UserPolicy> found = new ArrayList<>();
        for (String id : ids()) {
            Entry entry = entry(id);
            if (entry == null || entry.compiled() == null || !entry.compiled().policy().enabled()) {
                continue;
            }
            Policy policy = entry.compiled().policy();
            String userRole = userId == null ? null : policy.userRoles().get(userId);
            List<GroupRole> groups = new ArrayList<>();
            Map<String, List<String>> groupActions = new LinkedHashMap<>();
            for (String group : groupIds) {
                String role = group == null ? null : policy.groupRoles().get(group);
                if (role != null) {
                    groups.add(new GroupRole(group, role));
                    groupActions.put(group, policy.roles().getOrDefault(role, List.of()));
                }
            }
            if (userRole == null && groups.isEmpty()) {
                continue;
            }
            Map<String, List<String>> userActions = userRole == null ? Map.of() : Map.of("user", policy.roles().getOrDefault(userRole, List.of()));
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("id", userId);
            user.put("groups", groupIds);
            String effective = evaluator.evaluate(entry.compiled(), Map.of("user", user)).effectiveRole();
            found.add(new UserPolicy(id, path(entry), true, userRole, groups, userActions, groupActions, effective));
        }
        return found;
    }

    // ------------------------------------------------------------------ loading

    /** The client ids of the policies folder, listed again no more often than the refresh interval. */
    private List<String> ids() {
        long now = System.nanoTime();
        Listing known = listing;
        if (known != null && now - known.listedNanos() < refreshNanos) {
            return known.ids();
        }
        List<String> ids = List.copyOf(store.ids());
        listing = new Listing(ids, now);
        return ids;
    }

    private Entry required(String clientId) {
        if (clientId == null || !Policy.CLIENT_ID.matcher(clientId).matches()) {
            throw new IllegalArgumentException("client_id must match ^[A-Za-z0-9_]+$ (at most 128 characters)");
        }
        Entry entry = entry(clientId);
        if (entry == null) {
            throw new PolicyNotFoundException(clientId);
        }
        return entry;
    }

    private Policy storedOrNull(String clientId) {
        Entry entry = required(clientId);
        return entry.compiled() == null ? null : entry.compiled().policy();
    }

    /** The policy of {@code id} as its file is now (looked at no more often than the refresh interval); null when there is none. */
    private Entry entry(String id) {
        long now = System.nanoTime();
        Entry known = loaded.get(id);
        if (known != null && now - known.checkedNanos() < refreshNanos) {
            return known;
        }
        Optional<PolicyStore.Stamp> stamp = store.stamp(id);
        if (stamp.isEmpty()) {
            loaded.remove(id);
            return null;
        }
        if (known != null && known.stamp().equals(stamp.get())) {
            Entry checked = known.checkedAt(now);
            loaded.put(id, checked);
            return checked;
        }
        Entry fresh = load(id, now);
        if (fresh == null) {
            loaded.remove(id);
        } else {
            loaded.put(id, fresh);
        }
        return fresh;
    }

    private Entry load(String id, long now) {
        PolicyStore.Stored stored;
        try {
            Optional<PolicyStore.Stored> read = store.read(id);
            if (read.isEmpty()) {
                return null;
            }
            stored = read.get();
        } catch (InvalidPolicyException e) {
            LOG.warn("the policy file of {} cannot be used: {}", id, e.getMessage());
            return store.stamp(id).map(stamp -> new Entry(stamp, null, e.getMessage(), now)).orElse(null);
        }
        try {
            return new Entry(stored.stamp(), evaluator.compile(stored.policy()), null, now);
        } catch (InvalidPolicyException e) {
            LOG.warn("the policy file of {} cannot be used: {}", id, e.getMessage());
            return new Entry(stored.stamp(), null, e.getMessage(), now);
        }
    }

    private Policy remember(CompiledPolicy compiled) {
        String id = compiled.policy().clientId();
        store.stamp(id).ifPresentOrElse(stamp -> loaded.put(id, new Entry(stamp, compiled, null, System.nanoTime())),
                () -> loaded.remove(id));
        return compiled.policy();
    }

    private String path(Entry entry) {
        return entry.stamp().path().toString().replace('\\', '/');
    }

    private <T> T change(Operation operation, Supplier<T> work) {
        try {
            T result = work.get();
            metrics.changed(operation, true);
            return result;
        } catch (RuntimeException e) {
            metrics.changed(operation, false);
            throw e;
        }
    }
}
