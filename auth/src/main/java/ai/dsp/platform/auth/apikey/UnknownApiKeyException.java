package ai.dsp.platform.auth.apikey;

/** No API key has this id (an administrator's call: 404). */
public class UnknownApiKeyException extends RuntimeException {

    public UnknownApiKeyException(String id) {
        super("no API key has the id " + id);
    }
}
