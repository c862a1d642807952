package ai.dsp.platform.auth.token;

import ai.dsp.platform.auth.user.OwnerOnlyFiles;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/** The platform's key files in the state folder: JWK sets made at first start, owner-only. */
final class KeyFiles {

    private static final Logger LOG = LoggerFactory.getLogger(KeyFiles.class);

    private KeyFiles() {
    }

    /**
     * Makes {@code file} with one key from {@code make} unless it exists. Several replicas may
     * start on one shared state folder: the first key published wins, the others are dropped.
     */
    static void makeUnlessPresent(Path file, Supplier<JWK> make, String what) throws IOException {
        if (!Files.exists(file)) {
            JWK key = make.get();
            if (OwnerOnlyFiles.create(file, new JWKSet(key).toString(false))) {
                LOG.info("made the {} {} in {}", what, key.getKeyID(), file);
            }
        }
    }
}
