package ai.dsp.platform.app.controltower;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.api.NotFoundException;
import ai.dsp.platform.app.security.Caller;
import ai.dsp.platform.app.security.ForbiddenException;
import ai.dsp.platform.controltower.manifest.InvalidManifestException;
import ai.dsp.platform.controltower.manifest.ManifestChecks;
import ai.dsp.platform.controltower.manifest.ManifestService;
import ai.dsp.platform.controltower.manifest.ModuleTypes;
import ai.dsp.platform.controltower.manifest.SecretMasking;
import ai.dsp.platform.controltower.manifest.UnresolvedPlaceholdersException;
import ai.dsp.platform.controltower.store.ManifestVersion;
import ai.dsp.platform.controltower.store.Precondition;
import ai.dsp.platform.controltower.store.VersionConflictException;
import ai.dsp.platform.metrics.PlatformMetrics;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /manifests/**} (routes/control-tower-manifests.camel.yaml): the seed's Control Tower
 * calls with their bodies, plus versions, rollback and purge. Reads answer the manifest as it
 * was written with an {@code ETag} of its version; secrets are masked for callers who may
 * neither write nor resolve the project; {@code resolve_env=true} takes the resolve permission.
 * Writes take {@code If-Match} (a write without it is accepted, as the seed's clients send none).
 */
@Component("manifestEndpoints")
public class ManifestEndpoints {

    private static final Pattern ENTITY_TAG = Pattern.compile("^(?:W/)?\"(\\d+)\"$");
    /** The seed's id check; ids that cannot be a manifest's get the seed's 400, not a 404. */
    private static final Pattern PROJECT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final ManifestService manifests;
    private final ManifestBodies bodies;
    private final CrossReferences crossReferences;
    private final ModuleTypes moduleTypes;
    private final PlatformMetrics metrics;
    private final ObjectMapper json;

    public ManifestEndpoints(ManifestService manifests, ManifestBodies bodies, CrossReferences crossReferences, ModuleTypes moduleTypes,
                             PlatformMetrics metrics, ObjectMapper json) {
        this.manifests = manifests;
        this.bodies = bodies;
        this.crossReferences = crossReferences;
        this.moduleTypes = moduleTypes;
        this.metrics = metrics;
        this.json = json;
    }

    /** {@code GET /module-types}: the seed's shape, all 16 types, each with its config fields. */
    public void moduleTypes(Exchange exchange) {
        respond(exchange, 200, json.valueToTree(moduleTypes.asResponse()));
    }

    /** {@code GET /manifests}: the seed's summary of every manifest, plus its version number. */
    public void list(Exchange exchange) {
        measured("list", () -> {
            ArrayNode list = json.createArrayNode();
            for (ManifestVersion version : manifests.list()) {
                JsonNode manifest = manifests.served(version);
                ObjectNode row = list.addObject();
                for (String field : List.of("project_id", "project_name", "version", "environment", "owner")) {
                    row.set(field, manifest.path(field).isMissingNode() ? null : manifest.get(field));
                }
                row.put("module_count", manifest.path("modules").size());
                row.set("created_at", manifest.get("created_at"));
                row.set("updated_at", manifest.get("updated_at"));
                row.put("manifest_version", version.number());
            }
            ObjectNode answer = json.createObjectNode();
            answer.set("manifests", list);
            answer.put("count", list.size());
            respond(exchange, 200, answer);
        });
    }

    /** {@code GET /manifests/{id}[?resolve_env=true]}. */
    public void get(Exchange exchange) {
        measured(resolveRequested(exchange) ? "resolve" : "read", () -> {
            ManifestVersion version = current(exchange);
            respond(exchange, 200, readable(exchange, version.projectId(), manifests.served(version)));
            exchange.getMessage().setHeader("ETag", entityTag(version));
        });
    }

    /** {@code GET /manifests/{id}/modules}: {@code {modules, count}}. */
    public void modules(Exchange exchange) {
        measured(resolveRequested(exchange) ? "resolve" : "read", () -> {
            ManifestVersion version = current(exchange);
            JsonNode modules = readable(exchange, version.projectId(), manifests.served(version)).path("modules");
            ObjectNode answer = json.createObjectNode();
            answer.set("modules", modules);
            answer.put("count", modules.size());
            respond(exchange, 200, answer);
            exchange.getMessage().setHeader("ETag", entityTag(version));
        });
    }

    /** {@code GET /manifests/{id}/modules/{name}}: the module, resolved as the whole manifest is (the seed's skipped its secret manager here). */
    public void module(Exchange exchange) {
        measured(resolveRequested(exchange) ? "resolve" : "read", () -> {
            ManifestVersion version = current(exchange);
            String name = exchange.getMessage().getHeader("name", String.class);
            for (JsonNode module : readable(exchange, version.projectId(), manifests.served(version)).path("modules")) {
                if (module.path("name").asText().equals(name)) {
                    respond(exchange, 200, module);
                    exchange.getMessage().setHeader("ETag", entityTag(version));
                    return;
                }
            }
            throw new NotFoundException("Module not found: " + name);
        });
    }

    /** {@code GET /manifests/{id}/cross-references}. */
    public void crossReferences(Exchange exchange) {
        measured("read", () -> {
            ManifestVersion version = current(exchange);
            respond(exchange, 200, crossReferences.of(version.projectId(), manifests.served(version)));
        });
    }

    /** {@code POST /manifests/validate}: {@code {valid, errors[{path, message}], warnings[...]}}, nothing stored. */
    public void validate(Exchange exchange) {
        measured("validate", () -> {
            ObjectNode manifest = bodies.manifest(exchange);
            ManifestChecks.Report report = manifests.validate(manifest);
            ObjectNode answer = json.createObjectNode();
            answer.put("valid", report.valid());
            answer.set("errors", json.valueToTree(report.errors()));
            answer.set("warnings", json.valueToTree(report.warnings()));
            respond(exchange, 200, answer);
        });
    }

    /** {@code POST /manifests}: 201 {@code {message, manifest_id, manifest_path, version, warnings}}. */
    public void create(Exchange exchange) {
        measured("create", () -> {
            ObjectNode manifest = bodies.manifest(exchange);
            String projectId = manifest.path("project_id").asText();
            ManifestAccess.requireWrite(caller(exchange), projectId);
            ManifestService.Written written = manifests.create(manifest, caller(exchange).subject());
            written(exchange, 201, "Manifest created successfully: " + projectId, written);
        });
    }

    /** {@code PUT /manifests/{id}}: the path's id must be the body's. */
    public void update(Exchange exchange) {
        measured("update", () -> {
            String projectId = projectId(exchange);
            ObjectNode manifest = bodies.manifest(exchange);
            ManifestAccess.requireWrite(caller(exchange), projectId);
            ManifestService.Written written = manifests.update(projectId, manifest, ifMatch(exchange, Precondition.present()), caller(exchange).subject());
            written(exchange, 200, "Manifest updated successfully: " + projectId, written);
        });
    }

    /** {@code DELETE /manifests/{id}}: a tombstone version; the history stays until purged. */
    public void delete(Exchange exchange) {
        measured("delete", () -> {
            String projectId = projectId(exchange);
            ManifestAccess.requireWrite(caller(exchange), projectId);
            ManifestVersion deleted = manifests.delete(projectId, ifMatch(exchange, Precondition.present()), caller(exchange).subject());
            ObjectNode answer = json.createObjectNode();
            answer.put("message", "Manifest deleted successfully: " + projectId);
            answer.put("version", deleted.number());
            respond(exchange, 200, answer);
        });
    }

    /** {@code GET /manifests/{id}/versions}: every version, oldest first, deletes included. */
    public void versions(Exchange exchange) {
        measured("read", () -> {
            String projectId = projectId(exchange);
            List<ManifestVersion> versions = manifests.versions(projectId);
            if (versions.isEmpty()) {
                throw new NotFoundException("Manifest not found: " + projectId);
            }
            ArrayNode list = json.createArrayNode();
            versions.forEach(version -> list.add(describe(version)));
            ObjectNode answer = json.createObjectNode();
            answer.put("project_id", projectId);
            answer.set("versions", list);
            answer.put("count", list.size());
            respond(exchange, 200, answer);
        });
    }

    /** {@code GET /manifests/{id}/versions/{n}}: the version's record and its manifest (masked as reads are). */
    public void version(Exchange exchange) {
        measured("read", () -> {
            String projectId = projectId(exchange);
            int number = versionNumber(exchange.getMessage().getHeader("n", String.class));
            ManifestVersion version = manifests.version(projectId, number)
                    .orElseThrow(() -> new NotFoundException("manifest " + projectId + " has no version " + number));
            ObjectNode answer = describe(version);
            if (!version.deleted()) {
                answer.set("manifest", ManifestAccess.maySeeSecrets(caller(exchange), projectId)
                        ? manifests.served(version) : SecretMasking.mask(manifests.served(version)));
            }
            respond(exchange, 200, answer);
            exchange.getMessage().setHeader("ETag", entityTag(version));
        });
    }

    /** {@code POST /manifests/{id}/rollback {version}}: a new version equal to that one. */
    public void rollback(Exchange exchange) {
        measured("rollback", () -> {
            String projectId = projectId(exchange);
            JsonNode body = bodies.object(exchange);
            if (!body.path("version").canConvertToInt() || !body.path("version").isIntegralNumber()) {
                throw new BadRequestException("the body is {\"version\": <the version number to roll back to>}");
            }
            ManifestAccess.requireWrite(caller(exchange), projectId);
            int target = body.get("version").intValue();
            ManifestService.Written written = manifests.rollback(projectId, target, ifMatch(exchange, Precondition.any()), caller(exchange).subject());
            ObjectNode answer = answerOf("Manifest rolled back to version " + target + ": " + projectId, written);
            answer.put("rolled_back_to", target);
            respond(exchange, 200, answer);
            exchange.getMessage().setHeader("ETag", entityTag(written.version()));
        });
    }

    /** {@code DELETE /manifests/{id}/versions}: the manifest and its whole history removed (admin). */
    public void purge(Exchange exchange) {
        measured("purge", () -> {
            String projectId = projectId(exchange);
            ManifestAccess.requireAdmin(caller(exchange), "purging a manifest's history");
            if (manifests.current(projectId).isPresent()) {
                throw new BadRequestException("manifest " + projectId + " is current: delete it before purging its history");
            }
            if (!manifests.purge(projectId)) {
                throw new NotFoundException("Manifest not found: " + projectId);
            }
            ObjectNode answer = json.createObjectNode();
            answer.put("message", "Manifest history purged: " + projectId);
            respond(exchange, 200, answer);
        });
    }

    /** Runs a call and counts it by operation and result; the error policy answers what it throws. */
    private void measured(String operation, Runnable call) {
        try {
            call.run();
            metrics.manifestOperation(operation, "ok");
        } catch (RuntimeException e) {
            metrics.manifestOperation(operation, result(e));
            throw e;
        }
    }

    private static String result(RuntimeException e) {
        if (e instanceof VersionConflictException conflict) {
            if (conflict.current() == 0) {
                return "not_found";
            }
            return conflict.precondition().kind() == Precondition.Kind.ABSENT ? "conflict" : "stale";
        }
        if (e instanceof InvalidManifestException || e instanceof BadRequestException || e instanceof IllegalArgumentException) {
            return "invalid";
        }
        if (e instanceof NotFoundException) {
            return "not_found";
        }
        if (e instanceof ForbiddenException) {
            return "forbidden";
        }
        return e instanceof UnresolvedPlaceholdersException ? "unresolved" : "error";
    }

    private ManifestVersion current(Exchange exchange) {
        String projectId = projectId(exchange);
        return manifests.current(projectId).orElseThrow(() -> new NotFoundException("Manifest not found: " + projectId));
    }

    /** The manifest as this caller may read it: resolved (with permission), as written, or masked. */
    private JsonNode readable(Exchange exchange, String projectId, JsonNode manifest) {
        Caller caller = caller(exchange);
        if (resolveRequested(exchange)) {
            ManifestAccess.requireResolve(caller, projectId);
            return manifests.resolve(manifest);
        }
        return ManifestAccess.maySeeSecrets(caller, projectId) ? manifest : SecretMasking.mask(manifest);
    }

    private static boolean resolveRequested(Exchange exchange) {
        String value = exchange.getMessage().getHeader("resolve_env", String.class);
        if (value == null || value.isBlank()) {
            return false;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new BadRequestException("resolve_env is true or false, not '" + value + "'");
        };
    }

    private void written(Exchange exchange, int status, String message, ManifestService.Written written) {
        respond(exchange, status, answerOf(message, written));
        exchange.getMessage().setHeader("ETag", entityTag(written.version()));
    }

    private ObjectNode answerOf(String message, ManifestService.Written written) {
        ObjectNode answer = json.createObjectNode();
        answer.put("message", message);
        answer.put("manifest_id", written.version().projectId());
        answer.put("manifest_path", "/manifests/" + written.version().projectId());
        answer.put("version", written.version().number());
        answer.set("warnings", json.valueToTree(written.warnings()));
        return answer;
    }

    private ObjectNode describe(ManifestVersion version) {
        ObjectNode row = json.createObjectNode();
        row.put("version", version.number());
        row.put("change", version.change().name().toLowerCase(Locale.ROOT));
        row.put("author", version.author());
        row.put("created_at", version.createdAt().toString());
        row.put("summary", version.summary());
        return row;
    }

    /** {@code If-Match: "n"} as a precondition; without the header, {@code otherwise}. */
    static Precondition ifMatch(Exchange exchange, Precondition otherwise) {
        String header = exchange.getMessage().getHeader("If-Match", String.class);
        if (header == null || header.isBlank()) {
            return otherwise;
        }
        if (header.trim().equals("*")) {
            return Precondition.present();
        }
        Matcher tag = ENTITY_TAG.matcher(header.trim());
        if (!tag.matches()) {
            throw new BadRequestException("If-Match takes the ETag of a read, such as \"3\"");
        }
        return Precondition.version(versionNumber(tag.group(1)));
    }

    static String entityTag(ManifestVersion version) {
        return "\"" + version.number() + "\"";
    }

    static String projectId(Exchange exchange) {
        String projectId = exchange.getMessage().getHeader("id", String.class);
        if (projectId == null || !PROJECT_ID.matcher(projectId).matches()) {
            throw new BadRequestException("Invalid project_id format. Use only alphanumeric characters, underscores, and hyphens.");
        }
        return projectId;
    }

    private static int versionNumber(String text) {
        try {
            int number = Integer.parseInt(text);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadRequestException("a version is a number from 1, not '" + text + "'");
    }

    private static Caller caller(Exchange exchange) {
        return Caller.of(exchange).orElseThrow(() -> new ForbiddenException("the Control Tower needs an authenticated caller"));
    }

    private void respond(Exchange exchange, int status, JsonNode body) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().removeHeader("ETag");
        try {
            exchange.getMessage().setBody(json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
