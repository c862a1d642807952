package ai.dsp.platform.app.frontdoor;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The module of a project's manifest a Front Door call is for, as the manifest holds it
 * (placeholders unresolved; {@link FrontDoor#resolvedConfig} resolves them for one request).
 */
public record ProjectModule(String project, String name, String type, String status, int index, int manifestVersion, JsonNode manifest) {

    public JsonNode module() {
        return manifest.path("modules").path(index);
    }

    /** The config's {@code strategy}, "" without one. */
    public String strategy() {
        return config().path("strategy").asText("");
    }

    /** Whether the module is a weighted ensemble of inference modules rather than one upstream. */
    public boolean ensemble() {
        return "weighted_ensemble".equals(strategy());
    }

    /** The module's {@code config}, unresolved. */
    public JsonNode config() {
        return module().path("config");
    }
}
