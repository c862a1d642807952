package ai.dsp.platform.app.frontdoor.inference;

/**
 * An {@code inference_endpoint} module whose config cannot be used (a required key missing, a
 * value of the wrong kind). The message names the project, the module and the key, never a
 * value: values can be resolved secrets. Not the client's fault: the Front Door answers it as a
 * server-side error.
 */
public class InvalidInferenceModuleException extends IllegalArgumentException {

    private final String project;
    private final String module;

    public InvalidInferenceModuleException(String project, String module, String problem) {
        super("inference module " + project + "/" + module + ": config." + problem);
        this.project = project;
        this.module = module;
    }

    public String project() {
        return project;
    }

    public String module() {
        return module;
    }
}
