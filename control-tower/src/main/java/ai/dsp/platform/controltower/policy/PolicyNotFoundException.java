package ai.dsp.platform.controltower.policy;

/** No policy has this client id (404). */
public class PolicyNotFoundException extends RuntimeException {

    public PolicyNotFoundException(String clientId) {
        super("no policy for the client id " + clientId);
    }
}
