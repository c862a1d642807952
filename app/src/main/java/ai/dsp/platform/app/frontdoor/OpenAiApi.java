package ai.dsp.platform.app.frontdoor;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.api.NotFoundException;
import ai.dsp.platform.app.security.Caller;
import ai.dsp.platform.app.security.ForbiddenException;
import ai.dsp.platform.controltower.manifest.ManifestService;
import ai.dsp.platform.controltower.store.ManifestVersion;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenAI-compatible API at the root ({@code /v1/chat/completions}, {@code /v1/embeddings},
 * {@code /v1/models}): {@code model} is {@code {project}/{module}}, and the call goes through the
 * same Front Door steps as {@code /{project}/{module}/...}. The models listed are the modules a
 * caller may use: inference endpoints (ensembles too) and RAG modules, enabled (or deprecated,
 * or in development on a development platform), whose project's policy lets the caller
 * {@code infer} (administrators: all).
 */
@Component("openAiApi")
public class OpenAiApi {

    private static final List<String> CHAT_TYPES = List.of("inference_endpoint", "rag_config");

    private final ManifestService manifests;
    private final FrontDoor frontDoor;
    private final FrontDoorPolicy policy;

    public OpenAiApi(ManifestService manifests, FrontDoor frontDoor, FrontDoorPolicy policy) {
        this.manifests = manifests;
        this.frontDoor = frontDoor;
        this.policy = policy;
    }

    /** Points the call at the module its {@code model} names, for the Front Door's steps that follow. */
    public void route(Exchange exchange) {
        Object model = exchange.getMessage().getBody() instanceof Map<?, ?> body ? body.get("model") : null;
        if (!(model instanceof String name) || name.isBlank()) {
            throw new BadRequestException("model is required: {project}/{module}, as GET /v1/models lists them");
        }
        int slash = name.indexOf('/');
        if (slash <= 0 || slash == name.length() - 1 || name.indexOf('/', slash + 1) >= 0) {
            throw new NotFoundException("the model '" + name + "' does not exist: models are {project}/{module}");
        }
        exchange.getMessage().setHeader("project", name.substring(0, slash));
        exchange.getMessage().setHeader("module", name.substring(slash + 1));
    }

    /** {@code GET /v1/models}: {@code {object: list, data[{id, object: model, created, owned_by}]}}. */
    public Map<String, Object> models(Exchange exchange) {
        Caller caller = caller(exchange);
        List<Map<String, Object>> data = new ArrayList<>();
        for (ManifestVersion version : manifests.list()) {
            JsonNode modules = manifests.view(version).path("modules");
            for (JsonNode module : modules) {
                if (CHAT_TYPES.contains(module.path("module_type").asText())) {
                    usable(caller, version.projectId(), module.path("name").asText(), version).ifPresent(data::add);
                }
            }
        }
        return Map.of("object", "list", "data", data);
    }

    /**
     * {@code GET /v1/models/{project}/{module}}, the slash as it is: Tomcat and Spring Security
     * refuse an encoded one ({@code %2F}), which the official clients' {@code models.retrieve} sends.
     */
    public Map<String, Object> model(Exchange exchange) {
        String project = exchange.getMessage().getHeader("project", String.class);
        String module = exchange.getMessage().getHeader("module", String.class);
        ManifestVersion version = manifests.current(project == null ? "" : project)
                .orElseThrow(() -> new NotFoundException("the model '" + project + "/" + module + "' does not exist"));
        return usable(caller(exchange), project, module, version)
                .orElseThrow(() -> new NotFoundException("the model '" + project + "/" + module + "' does not exist"));
    }

    private Optional<Map<String, Object>> usable(Caller caller, String project, String name, ManifestVersion version) {
        try {
            ProjectModule module = frontDoor.find(project, name);
            if (!CHAT_TYPES.contains(module.type())) {
                return Optional.empty();
            }
            policy.authorize(caller, module, Operation.CHAT);
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("id", project + "/" + name);
            model.put("object", "model");
            model.put("created", version.createdAt().getEpochSecond());
            model.put("owned_by", project);
            return Optional.of(model);
        } catch (NotFoundException | ForbiddenException e) {
            return Optional.empty();
        }
    }

    private static Caller caller(Exchange exchange) {
        return Caller.of(exchange).orElseThrow(() -> new ForbiddenException("the OpenAI-compatible API needs an authenticated caller"));
    }
}
