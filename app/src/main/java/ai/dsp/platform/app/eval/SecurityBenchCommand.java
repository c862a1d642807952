package ai.dsp.platform.app.eval;

import ai.dsp.platform.auth.token.TokenService;
import ai.dsp.platform.document.DocumentRegistry;
import ai.dsp.platform.eval.BeirDataset;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code java -jar app.jar bench-security [--dataset DIR] [--documents N] [--requests N] [--warm-up N] [--out DIR]}:
 * what the guard costs a call. Two platforms run in this one process on the same documents, one
 * with security on (bearer token check, rate limit, audit of the caller) and one with
 * {@code dsp.auth.enabled=false}; one client calls {@code POST /api/v1/retrieve} on them in
 * alternating blocks, so both see the same machine at the same time. Writes
 * {@code security.json} and {@code security.md}.
 */
public final class SecurityBenchCommand {

    public static final String NAME = "bench-security";
    private static final Set<String> OPTIONS = Set.of("dataset", "documents", "requests", "warm-up", "out");
    /** Requests to one platform before switching to the other. */
    private static final int BLOCK = 25;

    /**
     * One platform's retrieve latencies, one client, and the mean of the retrieval's own
     * {@code tookMs} inside them: what the difference between the sides is made of.
     */
    public record Side(String security, int requests, double p50Ms, double p95Ms, double p99Ms, double retrievalMeanMs) {
    }

    /** One call: its time at the client and the retrieval's own time in the answer. */
    private record Timed(double millis, long tookMs) {
    }

    public record SecurityReport(String dataset, int documents, Side secured, Side open, double addedP50Ms, double addedP95Ms) {
    }

    private SecurityBenchCommand() {
    }

    public static int run(List<String> args) {
        try {
            CommandLine command = CommandLine.parse(args, OPTIONS);
            BeirDataset dataset = BeirDataset.open(Path.of(command.optional("dataset", "datasets/cacm")));
            int documents = Integer.parseInt(command.optional("documents", "500"));
            int requests = Integer.parseInt(command.optional("requests", "2000"));
            // a first pass compiles the query path (JIT) on both, as in servers that have run a while
            int warmUp = Integer.parseInt(command.optional("warm-up", "200"));
            Path out = Path.of(command.optional("out", "bench-reports/security"));
            SecurityReport report = measure(command, dataset, documents, requests, warmUp, out);
            Files.createDirectories(out);
            EvaluationFiles.JSON.writeValue(out.resolve("security.json").toFile(), report);
            Files.writeString(out.resolve("security.md"), markdown(report));
            System.out.print(markdown(report));
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("bench-security: " + e.getMessage());
            System.err.println("usage: bench-security [--dataset DIR] [--documents N] [--requests N] [--warm-up N] [--out DIR]");
            return 2;
        } catch (Exception e) {
            System.err.println("bench-security failed: " + e);
            return 1;
        }
    }

    static SecurityReport measure(CommandLine command, BeirDataset dataset, int documents, int requests, int warmUp, Path out)
            throws Exception {
        List<String> queries = dataset.judgedQueries().stream().map(BeirDataset.Query::text).toList();
        try (ConfigurableApplicationContext secured = command.startPlatform(out.resolve("secured"));
             ConfigurableApplicationContext open = command.withSettings("--dsp.auth.enabled=false").startPlatform(out.resolve("open"))) {
            int count = drop(dataset, documents, out.resolve("secured"), secured);
            drop(dataset, documents, out.resolve("open"), open);
            Evaluation.awaitIngested(secured.getBean(DocumentRegistry.class), null, count, Progress.NONE);
            Evaluation.awaitIngested(open.getBean(DocumentRegistry.class), null, count, Progress.NONE);
            // a user's token with a limit no benchmark reaches: the limiter still runs on every call
            String token = secured.getBean(TokenService.class)
                    .issue("bench", Map.of("roles", List.of("user"), "rate_limit", 100_000_000)).accessToken();
            Target securedTarget = new Target(port(secured), token);
            Target openTarget = new Target(port(open), null);
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < warmUp; i++) {
                securedTarget.time(http, queries.get(i % queries.size()));
                openTarget.time(http, queries.get(i % queries.size()));
            }
            List<Timed> securedMillis = new ArrayList<>();
            List<Timed> openMillis = new ArrayList<>();
            for (int done = 0; done < requests; done += BLOCK) {
                // alternate which side goes first, so neither always follows the other
                boolean securedFirst = (done / BLOCK) % 2 == 0;
                for (Target target : securedFirst ? List.of(securedTarget, openTarget) : List.of(openTarget, securedTarget)) {
                    List<Timed> sink = target == securedTarget ? securedMillis : openMillis;
                    for (int i = done; i < Math.min(requests, done + BLOCK); i++) {
                        sink.add(target.time(http, queries.get(i % queries.size())));
                    }
                }
            }
            Side securedSide = side("on", securedMillis);
            Side openSide = side("off", openMillis);
            return new SecurityReport(dataset.name(), count, securedSide, openSide, securedSide.p50Ms() - openSide.p50Ms(),
                    securedSide.p95Ms() - openSide.p95Ms());
        }
    }

    private record Target(int port, String token) {

        Timed time(HttpClient http, String query) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/retrieve"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(EvaluationFiles.JSON.writeValueAsBytes(Map.of("query", query, "k", 10))));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            long started = System.nanoTime();
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            double millis = (System.nanoTime() - started) / 1e6;
            if (response.statusCode() != 200) {
                throw new IllegalStateException("retrieve answered " + response.statusCode() + ": " + response.body());
            }
            return new Timed(millis, EvaluationFiles.JSON.readTree(response.body()).path("tookMs").asLong());
        }
    }

    /** The first {@code documents} of the corpus into the platform's inbox; returns how many. */
    private static int drop(BeirDataset dataset, int documents, Path out, ConfigurableApplicationContext app) throws IOException {
        List<Path> staged = BenchCommand.stage(dataset.documents().limit(documents), out);
        BenchCommand.moveInto(staged, Path.of(app.getEnvironment().getRequiredProperty("dsp.inbox")));
        return staged.size();
    }

    private static int port(ConfigurableApplicationContext app) {
        return ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    private static Side side(String security, List<Timed> calls) {
        List<Double> sorted = new ArrayList<>(calls.stream().map(Timed::millis).toList());
        sorted.sort(Double::compare);
        return new Side(security, sorted.size(), Evaluation.percentile(sorted, 0.50), Evaluation.percentile(sorted, 0.95),
                Evaluation.percentile(sorted, 0.99), calls.stream().mapToLong(Timed::tookMs).average().orElse(0));
    }

    static String markdown(SecurityReport report) {
        StringBuilder md = new StringBuilder("# bench-security: " + report.dataset() + ", " + report.documents() + " documents\n\n");
        md.append("| security | requests | retrieve p50 | p95 | p99 | of which retrieval (mean tookMs) |\n"
                + "| --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (Side side : List.of(report.secured(), report.open())) {
            md.append(String.format("| %s | %d | %.2f ms | %.2f ms | %.2f ms | %.2f ms |%n", side.security(), side.requests(), side.p50Ms(),
                    side.p95Ms(), side.p99Ms(), side.retrievalMeanMs()));
        }
        md.append(String.format("%nadded by security: p50 %+.2f ms, p95 %+.2f ms%n", report.addedP50Ms(), report.addedP95Ms()));
        return md.toString();
    }
}
