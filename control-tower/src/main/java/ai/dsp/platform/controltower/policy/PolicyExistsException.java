package ai.dsp.platform.controltower.policy;

/** A policy is to be added for a client id that has one already (409): the seed's answer too. */
public class PolicyExistsException extends RuntimeException {

    public PolicyExistsException(String clientId) {
        super("a policy for the client id " + clientId + " exists; update it instead");
    }
}
