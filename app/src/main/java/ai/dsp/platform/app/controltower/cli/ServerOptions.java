package ai.dsp.platform.app.controltower.cli;

import picocli.CommandLine.Option;

/**
 * {@code --server} and {@code --token} of the commands that call the API. Their defaults come from
 * {@code DSP_SERVER} and {@code DSP_TOKEN} ({@link ManifestCommand}'s default provider), so a
 * token need not appear on a command line at all.
 */
final class ServerOptions {

    static final String SERVER = "--server";
    static final String TOKEN = "--token";
    static final String DEFAULT_SERVER = "http://localhost:8080";

    @Option(names = SERVER, paramLabel = "URL",
            description = "The platform's base URL (default: $DSP_SERVER, else " + DEFAULT_SERVER + ").")
    String server;

    // no ${DEFAULT-VALUE} in the description: help would print a token taken from the environment
    @Option(names = TOKEN, paramLabel = "TOKEN", description = "A bearer token, from POST /token (default: $DSP_TOKEN).")
    String token;

    ControlTowerClient client() {
        if (token == null || token.isBlank()) {
            throw new CliFailure(CliFailure.UNUSABLE, "no token: pass --token or set DSP_TOKEN (POST /token gives one)");
        }
        return new ControlTowerClient(server == null ? DEFAULT_SERVER : server, token);
    }
}
