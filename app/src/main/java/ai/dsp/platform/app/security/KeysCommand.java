package ai.dsp.platform.app.security;

import ai.dsp.platform.auth.token.SigningKeys;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code java -jar app.jar keys rotate [STATE_DIR [ALGORITHM]]}: rotates the signing keys in the
 * state folder ({@code data/auth}, {@code RS256} by default) without a running platform; running
 * replicas read the new set within a second. The current key keeps verifying, older ones retire.
 */
public final class KeysCommand {

    public static final String NAME = "keys";

    private KeysCommand() {
    }

    public static int run(List<String> args, PrintStream out) {
        if (args.isEmpty() || !"rotate".equals(args.get(0)) || args.size() > 3) {
            out.println("usage: java -jar app.jar keys rotate [STATE_DIR (data/auth)] [RS256|ES256]");
            return 2;
        }
        Path stateDir = Path.of(args.size() > 1 ? args.get(1) : "data/auth");
        String algorithm = args.size() > 2 ? args.get(2) : "RS256";
        try {
            SigningKeys rotated = SigningKeys.open(algorithm, stateDir, null).rotate();
            out.println("signing with " + rotated.current().getKeyID() + "; published: "
                    + rotated.all().stream().map(key -> key.getKeyID()).toList());
            return 0;
        } catch (RuntimeException e) {
            out.println("cannot rotate the keys in " + stateDir + ": " + e.getMessage());
            return 1;
        }
    }
}
