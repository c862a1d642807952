package ai.dsp.platform.auth.token;

import java.util.Locale;

/** The seed's {@code type} claim: a refresh token is never accepted as an access token, nor the reverse. */
public enum TokenType {
    ACCESS, REFRESH;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
