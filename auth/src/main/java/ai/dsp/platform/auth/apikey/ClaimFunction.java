package ai.dsp.platform.auth.apikey;

import java.util.Map;

/**
 * A named Java function behind a {@code type: function} claim: the seed's {@code module} +
 * {@code function} find it in {@link ClaimFunctions}. It gets the claim's {@code args} (the
 * {@code "{name}"} placeholders already replaced) and the key's {@code metadata}; a falsy result
 * (null, empty, 0, false, "") leaves the claim out, as in the seed.
 */
@FunctionalInterface
public interface ClaimFunction {

    Object apply(Map<String, Object> args, Map<String, Object> metadata);
}
