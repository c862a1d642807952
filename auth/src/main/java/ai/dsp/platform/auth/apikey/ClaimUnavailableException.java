package ai.dsp.platform.auth.apikey;

/** A dynamic claim with {@code on_failure: refuse} could not be computed, so no token is issued (503). */
public class ClaimUnavailableException extends RuntimeException {

    public ClaimUnavailableException(String claim) {
        super("the claim '" + claim + "' of this API key could not be computed; retry shortly");
    }
}
