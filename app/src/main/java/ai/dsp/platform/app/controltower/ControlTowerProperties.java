package ai.dsp.platform.app.controltower;

import ai.dsp.platform.controltower.manifest.DependencyChecks;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The Control Tower's settings ({@code dsp.control-tower.*}; the store's are {@code dsp.control-tower.store.*}).
 *
 * @param superuserSecretHash the seed's {@code SUPERUSER_SECRET_HASH}: sha256(secret + salt) in hex; empty = no superuser
 * @param superuserSalt       the seed's {@code SUPERUSER_SALT}
 * @param dependencyChecks    {@code error} (default) or {@code warn}: what a dependency on a module the
 *                            manifest does not have, or a cycle of dependencies, is (the seed's own
 *                            sas2py has both)
 * @param maxManifestSize     bodies and files larger than this are refused (413)
 * @param maxDepth            JSON nested deeper than this is refused
 */
@Validated
@ConfigurationProperties("dsp.control-tower")
public record ControlTowerProperties(String superuserSecretHash, String superuserSalt, DependencyChecks dependencyChecks, DataSize maxManifestSize,
                                     @Min(2) @Max(1000) Integer maxDepth) {

    public ControlTowerProperties {
        superuserSecretHash = superuserSecretHash == null ? "" : superuserSecretHash.strip();
        superuserSalt = superuserSalt == null ? "" : superuserSalt;
        dependencyChecks = dependencyChecks == null ? DependencyChecks.ERROR : dependencyChecks;
        if (!superuserSecretHash.isEmpty() && !superuserSecretHash.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("dsp.control-tower.superuser-secret-hash is a SHA-256 in hex (64 characters)");
        }
        maxManifestSize = maxManifestSize == null ? DataSize.ofMegabytes(1) : maxManifestSize;
        maxDepth = maxDepth == null ? 64 : maxDepth;
    }
}
