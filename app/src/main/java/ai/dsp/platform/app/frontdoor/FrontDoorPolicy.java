package ai.dsp.platform.app.frontdoor;

import ai.dsp.platform.app.security.Caller;
import ai.dsp.platform.app.security.ForbiddenException;
import ai.dsp.platform.app.security.SecurityConfiguration;
import ai.dsp.platform.controltower.policy.PolicyService;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The policy step of the Front Door: the project's policies (those whose {@code project} is the
 * project id) decide, in the seed's input format: {@code user{id, groups}} from the verified
 * token (never a role the caller claims), {@code action} from the operation, {@code resource{type
 * (the module type), model_id (the module's model_name, else its name), project, module}},
 * {@code usecase} = the project. Deny by default: a project without a policy is open to
 * administrators only; with several, each must allow.
 */
@Component
public class FrontDoorPolicy {

    private final PolicyService policies;

    public FrontDoorPolicy(PolicyService policies) {
        this.policies = policies;
    }

    void authorize(Caller caller, ProjectModule module, Operation operation) {
        if (caller.roles().contains(SecurityConfiguration.ADMIN)) {
            return;
        }
        List<String> clients = policies.forProject(module.project());
        if (clients.isEmpty()) {
            throw new ForbiddenException("project " + module.project() + " has no policy: only administrators may use its modules");
        }
        Map<String, Object> input = input(caller, module, operation);
        for (String client : clients) {
            PolicyService.Evaluated evaluated = policies.evaluate(client, input);
            if (!evaluated.decision().allow()) {
                throw new ForbiddenException("the policy " + client + " of project " + module.project() + " denies " + operation.action()
                        + " on " + module.name() + ": " + String.join("; ", evaluated.decision().reasons()));
            }
        }
    }

    static Map<String, Object> input(Caller caller, ProjectModule module, Operation operation) {
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("type", module.type());
        resource.put("model_id", module.config().path("model_name").asText(module.name()));
        resource.put("project", module.project());
        resource.put("module", module.name());
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("user", Map.of("id", caller.subject(), "groups", caller.groups()));
        input.put("action", operation.action());
        input.put("resource", resource);
        input.put("usecase", module.project());
        return input;
    }
}
