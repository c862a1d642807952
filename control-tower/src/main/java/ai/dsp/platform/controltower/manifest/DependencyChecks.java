package ai.dsp.platform.controltower.manifest;

/**
 * What a broken {@code dependencies} list is ({@code dsp.control-tower.dependency-checks}): a
 * dependency on a module the manifest does not have, or dependencies that form a cycle. An
 * error by default; a warning for deployments that must take the seed's own manifests as they
 * shipped: sas2py still depends on {@code simple-auth}, a module renamed {@code auth}
 * (SEED-CONTRACTS §2.4), and sas2py and langgraph-summarizer make each inference endpoint and
 * its APISIX route depend on each other. The seed never read dependencies, so it never noticed.
 */
public enum DependencyChecks {
    ERROR,
    WARN
}
