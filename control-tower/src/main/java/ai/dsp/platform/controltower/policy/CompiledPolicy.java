package ai.dsp.platform.controltower.policy;

import dev.cel.runtime.CelRuntime;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A policy ready to answer: its CEL conditions compiled, and its lists as sets and indexes, so
 * that one decision is a handful of hash lookups. Made once per policy version by
 * {@link PolicyEvaluator#compile}; immutable and safe to share between threads.
 */
public final class CompiledPolicy {

    /** A condition and its program. */
    record Condition(PolicyCondition definition, CelRuntime.Program program) {
    }

    private final Policy policy;
    private final Set<String> usecases;
    private final Set<String> resourceTypes;
    private final Map<String, Set<String>> actions = new HashMap<>();
    private final Map<String, Integer> rank = new HashMap<>();
    private final Map<String, Set<String>> allowedResources = new HashMap<>();
    private final List<Condition> conditions;

    CompiledPolicy(Policy policy, List<Condition> conditions) {
        this.policy = policy;
        this.usecases = Set.copyOf(policy.usecases());
        this.resourceTypes = Set.copyOf(policy.resourceTypes());
        policy.roles().forEach((role, granted) -> actions.put(role, Set.copyOf(granted)));
        for (int i = 0; i < policy.roleHierarchy().size(); i++) {
            rank.put(policy.roleHierarchy().get(i), i);
        }
        policy.allowedResources().forEach((type, ids) -> allowedResources.put(type, new HashSet<>(ids)));
        this.conditions = List.copyOf(conditions);
    }

    public Policy policy() {
        return policy;
    }

    Set<String> usecases() {
        return usecases;
    }

    Set<String> resourceTypes() {
        return resourceTypes;
    }

    /** The actions of {@code role}; null when the policy does not define it. */
    Set<String> actions(String role) {
        return actions.get(role);
    }

    /** The role's place in the hierarchy, -1 outside it (the seed's {@code indexOf}). */
    int rank(String role) {
        Integer place = rank.get(role);
        return place == null ? -1 : place;
    }

    /** Whether {@code id} (null: the resource has none) is allowed for resources of {@code type} (null: none given). */
    boolean resourceAllowed(Object type, Object id) {
        return allowedIn(allowedResources.get(Policy.ANY), id)
                || type instanceof String named && allowedIn(allowedResources.get(named), id);
    }

    private static boolean allowedIn(Set<String> ids, Object id) {
        return ids != null && (ids.contains(Policy.ANY) || id instanceof String value && ids.contains(value));
    }

    List<Condition> conditions() {
        return conditions;
    }
}
