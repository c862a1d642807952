package ai.dsp.platform.controltower.manifest;

/**
 * What a module's dependency on a module the manifest does not have is
 * ({@code dsp.control-tower.unknown-dependencies}): an error by default; a warning for
 * deployments that must accept the seed's own manifests, whose sas2py still depends on
 * {@code simple-auth}, a module renamed {@code auth} (SEED-CONTRACTS §2.4).
 */
public enum UnknownDependencies {
    ERROR,
    WARN
}
