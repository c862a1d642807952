package ai.dsp.platform.controltower.manifest;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The one validation of a manifest before it is stored or answered by {@code POST
 * /manifests/validate}: the structural checks ({@link ManifestChecks}), the JSON Schemas of the
 * envelope and of each module type ({@link ModuleSchemas}) and the placeholders. Errors stop a
 * write; warnings (unknown fields, unresolved secret references, naming) are told and stored
 * with it. Where a structural check and the schema find the same thing, the structural check's
 * message is kept.
 */
public final class ManifestValidator {

    private final ModuleSchemas schemas;
    private final DependencyChecks dependencyChecks;

    public ManifestValidator(ModuleSchemas schemas, DependencyChecks dependencyChecks) {
        this.schemas = schemas;
        this.dependencyChecks = dependencyChecks;
    }

    /** The schemas loaded here; a dependency on a missing module is an error. */
    public ManifestValidator() {
        this(new ModuleSchemas(), DependencyChecks.ERROR);
    }

    public ManifestChecks.Report validate(JsonNode manifest) {
        ManifestChecks.Report structure = ManifestChecks.check(manifest, dependencyChecks);
        if (manifest == null || !manifest.isObject()) {
            return structure;
        }
        List<ManifestChecks.Finding> errors = new ArrayList<>(structure.errors());
        List<ManifestChecks.Finding> warnings = new ArrayList<>(structure.warnings());
        Set<String> seen = new HashSet<>();
        structure.errors().forEach(f -> seen.add(f.path()));
        ManifestChecks.Report schema = schemas.validate(manifest);
        for (ManifestChecks.Finding error : schema.errors()) {
            if (!seen.contains(error.path())) {
                errors.add(error);
            }
        }
        warnings.addAll(schema.warnings());
        ManifestChecks.Report placeholders = PlaceholderChecks.check(manifest);
        errors.addAll(placeholders.errors());
        warnings.addAll(placeholders.warnings());
        return new ManifestChecks.Report(List.copyOf(errors), List.copyOf(warnings));
    }
}
