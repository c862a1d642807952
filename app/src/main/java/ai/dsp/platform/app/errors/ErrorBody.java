package ai.dsp.platform.app.errors;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * The JSON body of every error answer; never a stack trace. Some errors say more: the
 * {@code errors} of a manifest that does not validate or of placeholders that do not resolve
 * ({@code [{path, message}]}), the {@code current_version} of a write that was stale.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(String error, String message, String requestId, List<?> errors,
                        @JsonProperty("current_version") Integer currentVersion) {

    public ErrorBody(String error, String message, String requestId) {
        this(error, message, requestId, null, null);
    }
}
