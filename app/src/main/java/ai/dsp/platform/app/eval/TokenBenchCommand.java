package ai.dsp.platform.app.eval;

import ai.dsp.platform.auth.AuthProperties;
import ai.dsp.platform.auth.token.DirectKeys;
import ai.dsp.platform.auth.token.EncryptionKey;
import ai.dsp.platform.auth.token.InMemoryRevocations;
import ai.dsp.platform.auth.token.JweCodec;
import ai.dsp.platform.auth.token.JweSettings;
import ai.dsp.platform.auth.token.SigningKeys;
import ai.dsp.platform.auth.token.TokenService;
import ai.dsp.platform.auth.token.TokenType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code java -jar app.jar bench-tokens [--tokens N] [--out DIR]}: the token service in process,
 * as every API call uses it: tokens issued per second and the time of one full verification
 * (signature, claims, revocation) at p50 and p99, for RS256, ES256 and HS256, and for RS256
 * tokens in a JWE (RSA-OAEP-256 and dir, both A256GCM), in one run, so the ratios hold.
 * Writes {@code tokens.json} and {@code tokens.md}.
 */
public final class TokenBenchCommand {

    public static final String NAME = "bench-tokens";
    private static final Set<String> OPTIONS = Set.of("tokens", "out");
    /** The seed's {@code key} claim: the kid of the dir JWEs. */
    private static final String KEY = "bench-key";
    private static final Map<String, Object> CLAIMS = Map.of("name", "Bench", "groups", List.of("staff"), "roles", List.of("user"),
            "key", KEY);
    private static final String NO_JWE = "none";

    /** One algorithm's figures; {@code jwe} is the wrapping ({@code alg enc}) or {@code none}. */
    /** {@code reverifyP50Ms}: the same tokens presented again, as a client does on every call (the service remembers verified ones). */
    public record Figures(String algorithm, String jwe, int tokens, double issuedPerSecond, double verifyP50Ms, double verifyP99Ms,
                          double reverifyP50Ms) {
    }

    private TokenBenchCommand() {
    }

    public static int run(List<String> args) {
        try {
            CommandLine command = CommandLine.parse(args, OPTIONS);
            int tokens = Integer.parseInt(command.optional("tokens", "20000"));
            Path out = Path.of(command.optional("out", "bench-reports/tokens"));
            Path state = Files.createTempDirectory("dsp-token-bench-");
            List<Figures> figures;
            try {
                figures = measure(tokens, state);
            } finally {
                deleteTree(state);
            }
            Files.createDirectories(out);
            EvaluationFiles.JSON.writeValue(out.resolve("tokens.json").toFile(), figures);
            Files.writeString(out.resolve("tokens.md"), markdown(figures));
            System.out.print(markdown(figures));
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("bench-tokens: " + e.getMessage());
            System.err.println("usage: bench-tokens [--tokens N] [--out DIR]");
            return 2;
        } catch (Exception e) {
            System.err.println("bench-tokens failed: " + e);
            return 1;
        }
    }

    static List<Figures> measure(int count, Path state) {
        String hmac = HexFormat.of().formatHex(random(32));
        JweSettings dir = new JweSettings(JweSettings.DIR, "A256GCM", false, random(32));
        DirectKeys directKeys = kid -> KEY.equals(kid) ? Optional.of(dir.key()) : Optional.empty();
        List<Figures> figures = new ArrayList<>();
        for (String algorithm : List.of("RS256", "ES256", "HS256")) {
            Path keys = state.resolve(algorithm);
            // a service per row: the tokens one row verified do not crowd another row's out of its memory of verified tokens
            Supplier<TokenService> service = () -> new TokenService(SigningKeys.open(algorithm, keys, hmac),
                    new JweCodec(EncryptionKey.open(keys), directKeys), AuthProperties.defaults(algorithm, hmac),
                    new InMemoryRevocations(Clock.systemUTC()), Clock.systemUTC());
            figures.add(measure(algorithm, service.get(), null, count));
            if ("RS256".equals(algorithm)) {
                // the default signature, wrapped each way: what a JWE adds to every call
                figures.add(measure(algorithm, service.get(), new JweSettings(JweSettings.RSA_OAEP_256, "A256GCM", false, null), count));
                figures.add(measure(algorithm, service.get(), dir, count));
            }
        }
        return figures;
    }

    private static Figures measure(String algorithm, TokenService service, JweSettings jwe, int count) {
        // a first pass compiles the paths (JIT), as in a server that has run a while
        List<String> warmUp = issue(service, jwe, Math.min(count, 2000));
        warmUp.forEach(token -> service.verify(token, TokenType.ACCESS));
        long started = System.nanoTime();
        List<String> tokens = issue(service, jwe, count);
        double issuedPerSecond = count / ((System.nanoTime() - started) / 1e9);
        List<Double> millis = verifications(service, tokens);
        List<Double> again = verifications(service, tokens);
        return new Figures(algorithm, jwe == null ? NO_JWE : jwe.algorithm() + " " + jwe.encryption(), count, issuedPerSecond,
                Evaluation.percentile(millis, 0.50), Evaluation.percentile(millis, 0.99), Evaluation.percentile(again, 0.50));
    }

    /** The time of verifying each token, sorted. */
    private static List<Double> verifications(TokenService service, List<String> tokens) {
        List<Double> millis = new ArrayList<>(tokens.size());
        for (String token : tokens) {
            long t = System.nanoTime();
            service.verify(token, TokenType.ACCESS);
            millis.add((System.nanoTime() - t) / 1e6);
        }
        millis.sort(Double::compare);
        return millis;
    }

    private static List<String> issue(TokenService service, JweSettings jwe, int count) {
        List<String> tokens = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            tokens.add(service.issue("user-" + i, CLAIMS, jwe).accessToken());
        }
        return tokens;
    }

    private static byte[] random(int bytes) {
        byte[] value = new byte[bytes];
        new SecureRandom().nextBytes(value);
        return value;
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }

    static String markdown(List<Figures> figures) {
        StringBuilder md = new StringBuilder(
                "| algorithm | JWE | tokens | issued/s (pairs) | verify p50 | verify p99 | again p50 |\n"
                + "| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (Figures f : figures) {
            md.append(String.format(java.util.Locale.ROOT, "| %s | %s | %d | %.0f | %.3f ms | %.3f ms | %.3f ms |%n",
                    f.algorithm(), f.jwe(), f.tokens(), f.issuedPerSecond(), f.verifyP50Ms(), f.verifyP99Ms(), f.reverifyP50Ms()));
        }
        return md.toString();
    }
}
