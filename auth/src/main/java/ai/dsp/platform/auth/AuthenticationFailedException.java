package ai.dsp.platform.auth;

/** Wrong credentials. One message for an unknown user and a wrong password, as the seed answers. */
public class AuthenticationFailedException extends RuntimeException {

    public AuthenticationFailedException() {
        super("Invalid username or password");
    }

    /** Other refused credentials (an unknown API key), said as plainly. */
    public AuthenticationFailedException(String message) {
        super(message);
    }
}
