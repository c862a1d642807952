package ai.dsp.platform.app.eval;

import ai.dsp.platform.auth.token.TokenService;
import ai.dsp.platform.controltower.manifest.ManifestService;
import ai.dsp.platform.controltower.policy.PolicyDocuments;
import ai.dsp.platform.controltower.policy.PolicyNotFoundException;
import ai.dsp.platform.controltower.policy.PolicyService;
import ai.dsp.platform.controltower.store.Precondition;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * {@code java -jar app.jar bench-gateway [--requests N] [--stream-requests N] [--clients 1,16,64]
 * [--warm-up N] [--tokens N] [--upstream-delay-ms N] [--out DIR]}: what the Front Door adds to a
 * chat completion. A fake OpenAI-compatible upstream ({@link BenchUpstream}) and the platform run
 * in this process, security on (a user's bearer token, the rate limiter, the project's policy, the
 * audit record); the manifest has one inference module pointing at the upstream. At each number of
 * concurrent clients, the same HTTP clients call the upstream directly and through {@code POST
 * /v1/chat/completions} in alternating rounds, so both sides see the same machine at the same
 * moments: latency p50/p95/p99 and calls per second of each, the added p50/p99 and the throughput
 * ratio; then the same for streamed completions, timed to the first {@code data:} line. Writes
 * {@code report.json} and {@code report.md}.
 */
public final class GatewayBenchCommand {

    public static final String NAME = "bench-gateway";
    private static final Set<String> OPTIONS = Set.of("requests", "stream-requests", "clients", "warm-up", "tokens", "upstream-delay-ms",
            "out");
    private static final String USAGE = "usage: bench-gateway [--requests N] [--stream-requests N] [--clients 1,16,64] [--warm-up N]"
            + " [--tokens N] [--upstream-delay-ms N] [--out DIR]";
    static final String PROJECT = "bench";
    static final String MODULE = "bench-chat-inference_endpoint";
    private static final String POLICY = "bench_gateway";
    private static final String USER = "bench";
    /** Rounds per side and number of clients: enough turns that a burst of other work on the machine hits both sides. */
    private static final int ROUNDS = 10;
    private static final String OK = "200";
    /** Issue 13's targets. */
    static final double TARGET_ADDED_P50_MS = 1.0;
    static final double TARGET_ADDED_P99_MS = 5.0;
    static final double TARGET_THROUGHPUT_RATIO = 0.9;

    /**
     * One side's calls at one number of clients; {@code statuses} counts the answers by HTTP status
     * ({@code error}: no answer); {@code cpuMsPerCall} is the CPU time of this whole process
     * (clients, upstream, and the platform when it is called) during the side's rounds, per call:
     * unlike latency, it does not depend on how the two cores were shared out.
     */
    public record Latencies(int requests, Map<String, Integer> statuses, double p50Ms, double p95Ms, double p99Ms, double callsPerSecond,
                            double cpuMsPerCall) {
    }

    /** Plain completions at one number of clients: both sides, and what the gateway adds. */
    public record Completions(int clients, Latencies direct, Latencies gateway, double addedP50Ms, double addedP99Ms, double throughputRatio,
                              double addedCpuMsPerCall) {
    }

    /** One side's streamed calls: time to the first {@code data:} line and to the stream's end. */
    public record Streams(int requests, Map<String, Integer> statuses, double firstTokenP50Ms, double firstTokenP95Ms, double firstTokenP99Ms,
                          double wholeP50Ms, double wholeP99Ms, double callsPerSecond, double cpuMsPerCall) {
    }

    public record Streaming(int clients, Streams direct, Streams gateway, double addedFirstTokenP50Ms, double addedFirstTokenP99Ms) {
    }

    /** One of issue 13's targets, as measured. */
    public record Target(String figure, int clients, double measured, double limit, boolean met) {
    }

    public record Machine(int cores, String java, double loadBefore, double loadAfter) {
    }

    public record Settings(int requests, int streamRequests, int warmUp, int tokens, double upstreamDelayMs, List<Integer> clients,
                           String gatewayPath, String security) {
    }

    public record GatewayReport(Instant finishedAt, Machine machine, Settings settings, List<Completions> completions,
                                List<Streaming> streaming, List<Target> targets) {
    }

    private GatewayBenchCommand() {
    }

    public static int run(List<String> args) {
        CommandLine command;
        Settings settings;
        Path out;
        try {
            command = CommandLine.parse(args, OPTIONS);
            int requests = positive(command, "requests", "20000");
            List<Integer> clients = Arrays.stream(command.optional("clients", "1,16,64").split(","))
                    .map(String::strip).map(Integer::parseInt).toList();
            if (clients.isEmpty() || clients.stream().anyMatch(c -> c < 1)) {
                throw new IllegalArgumentException("--clients is a list of positive numbers: 1,16,64");
            }
            int streamRequests = positive(command, "stream-requests", String.valueOf(Math.max(1, requests / 4)));
            int warmUp = Integer.parseInt(command.optional("warm-up", "20000"));
            int tokens = positive(command, "tokens", "20");
            double delayMs = Double.parseDouble(command.optional("upstream-delay-ms", "0"));
            if (delayMs < 0) {
                throw new IllegalArgumentException("--upstream-delay-ms cannot be negative");
            }
            out = Path.of(command.optional("out", "bench-reports/gateway"));
            settings = new Settings(requests, streamRequests, warmUp, tokens, delayMs, clients, "POST /v1/chat/completions",
                    "on: bearer token (RS256), rate limiter, project policy, audit record");
        } catch (IllegalArgumentException e) {
            System.err.println("bench-gateway: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        try {
            GatewayReport report = measure(command, settings, out);
            Files.createDirectories(out);
            EvaluationFiles.JSON.writeValue(out.resolve("report.json").toFile(), report);
            Files.writeString(out.resolve("report.md"), markdown(report));
            System.out.print(markdown(report));
            System.out.println("wrote " + out.resolve("report.json").toAbsolutePath() + " and report.md");
            return allAnswered(report) ? 0 : 1;
        } catch (Exception e) {
            System.err.println("bench-gateway failed: " + e);
            e.printStackTrace();
            return 1;
        }
    }

    private static int positive(CommandLine command, String name, String fallback) {
        int value = Integer.parseInt(command.optional(name, fallback));
        if (value < 1) {
            throw new IllegalArgumentException("--" + name + " must be at least 1");
        }
        return value;
    }

    static GatewayReport measure(CommandLine command, Settings settings, Path out) throws Exception {
        double loadBefore = load();
        int most = settings.clients().stream().mapToInt(Integer::intValue).max().orElse(1);
        Path platform = out.resolve("platform");
        Files.createDirectories(platform.resolve("manifests"));
        Files.createDirectories(platform.resolve("policies"));
        CommandLine bench = command.withDefaults(
                "--dsp.control-tower.store.manifests-dir=" + platform.resolve("manifests"),
                "--dsp.control-tower.policies-dir=" + platform.resolve("policies"),
                // limits no benchmark reaches: the limiter still counts every call, it measures the platform, not the limit
                "--dsp.auth.rate-limits.default-rpm=1000000000",
                "--dsp.auth.rate-limits.role-defaults.user=1000000000",
                "--dsp.auth.rate-limits.role-defaults.admin=1000000000");
        try (BenchUpstream upstream = new BenchUpstream(2 * most + 8, settings.tokens(),
                Duration.ofNanos((long) (settings.upstreamDelayMs() * 1e6)));
             ConfigurableApplicationContext app = bench.startPlatform(platform)) {
            String token = configure(app, upstream);
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            Side direct = Side.of(upstream.baseUrl().resolve("/v1/chat/completions"), BenchUpstream.MODEL, null);
            Side gateway = Side.of(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"), PROJECT + "/" + MODULE, token);
            for (boolean stream : List.of(false, true)) {
                direct.check(stream, settings.tokens());
                gateway.check(stream, settings.tokens());
            }
            warmUp(direct, gateway, settings.warmUp(), most);
            List<Completions> completions = new ArrayList<>();
            for (int clients : settings.clients()) {
                completions.add(completions(direct, gateway, clients, settings.requests()));
            }
            List<Streaming> streaming = new ArrayList<>();
            for (int clients : settings.clients()) {
                streaming.add(streaming(direct, gateway, clients, settings.streamRequests()));
            }
            Machine machine = new Machine(Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadBefore, load());
            return new GatewayReport(Instant.now(), machine, settings, completions, streaming, targets(completions));
        }
    }

    /** The bench project's manifest and policy, written through the Control Tower's services; returns the user's token. */
    private static String configure(ConfigurableApplicationContext app, BenchUpstream upstream) {
        ObjectNode manifest = (ObjectNode) EvaluationFiles.JSON.valueToTree(Map.of(
                "project_id", PROJECT, "project_name", "Gateway benchmark", "environment", "development",
                "modules", List.of(Map.of("module_type", "inference_endpoint", "name", MODULE, "version", "1",
                        "config", Map.of("endpoint_url", upstream.baseUrl().toString(), "model_name", BenchUpstream.MODEL,
                                "max_retries", 0)))));
        ManifestService manifests = app.getBean(ManifestService.class);
        if (manifests.current(PROJECT).isPresent()) {
            manifests.update(PROJECT, manifest, Precondition.present(), NAME);
        } else {
            manifests.create(manifest, NAME);
        }
        PolicyService policies = app.getBean(PolicyService.class);
        var policy = PolicyDocuments.parse("""
                project: %s
                roles: {user: [infer]}
                user_roles: {%s: user}
                allowed_resources: {inference_endpoint: [%s]}
                """.formatted(PROJECT, USER, BenchUpstream.MODEL), POLICY);
        try {
            policies.get(POLICY);
            policies.update(policy);
        } catch (PolicyNotFoundException e) {
            policies.add(policy);
        }
        // a user, not an administrator: the project's policy decides every call
        return app.getBean(TokenService.class).issue(USER, Map.of("roles", List.of("user"), "rate_limit", 1_000_000_000)).accessToken();
    }

    /** Both sides at the most clients, plain and streamed, until the paths are compiled (JIT), as in a server that has run a while. */
    private static void warmUp(Side direct, Side gateway, int requests, int clients) throws Exception {
        if (requests < 1) {
            return;
        }
        try (Clients pool = new Clients(clients)) {
            for (Side side : List.of(direct, gateway)) {
                pool.round(side, false, requests);
                pool.round(side, true, Math.max(1, requests / 4));
            }
        }
    }

    private static Completions completions(Side direct, Side gateway, int clients, int requests) throws Exception {
        Rounds rounds = rounds(direct, gateway, clients, requests, false);
        Latencies d = latencies(rounds.direct(), rounds.directNanos(), rounds.directCpuNanos());
        Latencies g = latencies(rounds.gateway(), rounds.gatewayNanos(), rounds.gatewayCpuNanos());
        return new Completions(clients, d, g, g.p50Ms() - d.p50Ms(), g.p99Ms() - d.p99Ms(),
                d.callsPerSecond() == 0 ? 0 : g.callsPerSecond() / d.callsPerSecond(), g.cpuMsPerCall() - d.cpuMsPerCall());
    }

    private static Streaming streaming(Side direct, Side gateway, int clients, int requests) throws Exception {
        Rounds rounds = rounds(direct, gateway, clients, requests, true);
        Streams d = streams(rounds.direct(), rounds.directNanos(), rounds.directCpuNanos());
        Streams g = streams(rounds.gateway(), rounds.gatewayNanos(), rounds.gatewayCpuNanos());
        return new Streaming(clients, d, g, g.firstTokenP50Ms() - d.firstTokenP50Ms(), g.firstTokenP99Ms() - d.firstTokenP99Ms());
    }

    private record Rounds(List<Outcome> direct, long directNanos, long directCpuNanos, List<Outcome> gateway, long gatewayNanos,
                          long gatewayCpuNanos) {
    }

    /** {@code requests} calls per side in {@link #ROUNDS} turns, the side that goes first alternating. */
    private static Rounds rounds(Side direct, Side gateway, int clients, int requests, boolean stream) throws Exception {
        List<Outcome> directCalls = new ArrayList<>();
        List<Outcome> gatewayCalls = new ArrayList<>();
        long directNanos = 0;
        long gatewayNanos = 0;
        long directCpu = 0;
        long gatewayCpu = 0;
        int rounds = Math.min(ROUNDS, requests);
        try (Clients pool = new Clients(clients)) {
            for (int round = 0; round < rounds; round++) {
                int size = requests / rounds + (round < requests % rounds ? 1 : 0);
                for (Side side : round % 2 == 0 ? List.of(direct, gateway) : List.of(gateway, direct)) {
                    long started = System.nanoTime();
                    long cpuStarted = processCpuNanos();
                    List<Outcome> calls = pool.round(side, stream, size);
                    long took = System.nanoTime() - started;
                    long cpu = processCpuNanos() - cpuStarted;
                    if (side == direct) {
                        directCalls.addAll(calls);
                        directNanos += took;
                        directCpu += cpu;
                    } else {
                        gatewayCalls.addAll(calls);
                        gatewayNanos += took;
                        gatewayCpu += cpu;
                    }
                }
            }
        }
        return new Rounds(directCalls, directNanos, directCpu, gatewayCalls, gatewayNanos, gatewayCpu);
    }

    /**
     * {@code clients} threads calling as fast as they are answered, each with its kept-alive
     * connection: both sides get HTTP clients made alike (HTTP/1.1, an executor of a thread per
     * client), one per side so that neither's connections serve the other.
     */
    private static final class Clients implements AutoCloseable {

        private final int clients;
        private final ExecutorService threads;
        private final Map<Side, HttpClient> http = new HashMap<>();
        private final List<ExecutorService> httpExecutors = new ArrayList<>();

        Clients(int clients) {
            this.clients = clients;
            this.threads = Executors.newFixedThreadPool(clients);
        }

        private HttpClient http(Side side) {
            return http.computeIfAbsent(side, s -> {
                ExecutorService executor = Executors.newFixedThreadPool(clients, runnable -> {
                    Thread thread = new Thread(runnable, "bench-http");
                    thread.setDaemon(true);
                    return thread;
                });
                httpExecutors.add(executor);
                return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                        .connectTimeout(Duration.ofSeconds(10)).build();
            });
        }

        /** {@code requests} calls shared by the clients; returns them in no particular order. */
        List<Outcome> round(Side side, boolean stream, int requests) throws Exception {
            HttpClient client = http(side);
            Outcome[] outcomes = new Outcome[requests];
            AtomicInteger next = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                running.add(threads.submit(() -> {
                    start.await();
                    for (int call = next.getAndIncrement(); call < requests; call = next.getAndIncrement()) {
                        outcomes[call] = side.call(client, stream);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : running) {
                future.get();
            }
            return List.of(outcomes);
        }

        @Override
        public void close() {
            threads.shutdownNow();
            httpExecutors.forEach(ExecutorService::shutdownNow);
        }
    }

    /** One call's answer: its status ({@code error} when there was none) and times, in ms; {@code firstMs} only for streams. */
    private record Outcome(String status, double millis, double firstMs) {
    }

    /** Where one side's calls go: the same chat request, plain and streamed, made once (the client's cost is alike on both sides). */
    private record Side(URI uri, HttpRequest plain, HttpRequest streamed) {

        static Side of(URI uri, String model, String token) throws IOException {
            return new Side(uri, request(uri, model, token, false), request(uri, model, token, true));
        }

        private static HttpRequest request(URI uri, String model, String token, boolean stream) throws IOException {
            Map<String, Object> body = new HashMap<>();
            body.put("model", model);
            body.put("messages", List.of(Map.of("role", "user", "content", "What is the capital of France?")));
            body.put("max_tokens", 16);
            if (stream) {
                body.put("stream", true);
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(60));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            return request.POST(HttpRequest.BodyPublishers.ofByteArray(EvaluationFiles.JSON.writeValueAsBytes(body))).build();
        }

        Outcome call(HttpClient http, boolean stream) {
            HttpRequest request = stream ? streamed : plain;
            long started = System.nanoTime();
            try {
                if (!stream) {
                    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    return new Outcome(String.valueOf(response.statusCode()), (System.nanoTime() - started) / 1e6, -1);
                }
                HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                double first = -1;
                String last = null;
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        if (line.startsWith("data: ")) {
                            if (first < 0) {
                                first = (System.nanoTime() - started) / 1e6;
                            }
                            last = line;
                        }
                    }
                }
                double whole = (System.nanoTime() - started) / 1e6;
                String status = String.valueOf(response.statusCode());
                // a stream that did not end with [DONE] was cut: not a success, whatever its status said
                return new Outcome(status.equals(OK) && !"data: [DONE]".equals(last) ? status + " incomplete" : status, whole, first);
            } catch (IOException e) {
                return new Outcome("error", (System.nanoTime() - started) / 1e6, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome("error", (System.nanoTime() - started) / 1e6, -1);
            }
        }

        /** One call before any timing: the answer must be the upstream's, or the run would time something else. */
        void check(boolean stream, int tokens) throws Exception {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = stream ? streamed : plain;
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body());
            }
            String text;
            String expected = stream ? String.join("", BenchUpstream.pieces(tokens)) : BenchUpstream.ANSWER;
            if (stream) {
                StringBuilder pieces = new StringBuilder();
                for (String line : response.body().split("\n")) {
                    if (line.startsWith("data: {")) {
                        pieces.append(EvaluationFiles.JSON.readTree(line.substring(6)).at("/choices/0/delta/content").asText(""));
                    }
                }
                text = pieces.toString();
            } else {
                JsonNode body = EvaluationFiles.JSON.readTree(response.body());
                text = body.at("/choices/0/message/content").asText();
            }
            if (!text.equals(expected)) {
                throw new IllegalStateException(uri + " did not answer the upstream's completion: " + response.body());
            }
        }
    }

    private static Latencies latencies(List<Outcome> calls, long nanos, long cpuNanos) {
        List<Double> sorted = calls.stream().map(Outcome::millis).sorted().toList();
        return new Latencies(calls.size(), statuses(calls), Evaluation.percentile(sorted, 0.50), Evaluation.percentile(sorted, 0.95),
                Evaluation.percentile(sorted, 0.99), perSecond(calls.size(), nanos), perCall(cpuNanos, calls.size()));
    }

    private static Streams streams(List<Outcome> calls, long nanos, long cpuNanos) {
        List<Double> first = calls.stream().map(Outcome::firstMs).filter(ms -> ms >= 0).sorted().toList();
        List<Double> whole = calls.stream().map(Outcome::millis).sorted().toList();
        return new Streams(calls.size(), statuses(calls), Evaluation.percentile(first, 0.50), Evaluation.percentile(first, 0.95),
                Evaluation.percentile(first, 0.99), Evaluation.percentile(whole, 0.50), Evaluation.percentile(whole, 0.99),
                perSecond(calls.size(), nanos), perCall(cpuNanos, calls.size()));
    }

    private static Map<String, Integer> statuses(List<Outcome> calls) {
        return calls.stream().collect(Collectors.groupingBy(Outcome::status, TreeMap::new, Collectors.summingInt(call -> 1)));
    }

    private static double perSecond(int calls, long nanos) {
        return nanos == 0 ? 0 : calls / (nanos / 1e9);
    }

    private static double perCall(long cpuNanos, int calls) {
        return calls == 0 ? 0 : cpuNanos / 1e6 / calls;
    }

    /** The CPU time of this process so far (every thread); 0 where the JVM does not tell. */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }

    /** Issue 13's targets: the added p50 at the fewest clients, the added p99 at the most, the throughput ratio at each. */
    static List<Target> targets(List<Completions> rows) {
        List<Target> targets = new ArrayList<>();
        Completions fewest = rows.stream().min((a, b) -> Integer.compare(a.clients(), b.clients())).orElseThrow();
        Completions most = rows.stream().max((a, b) -> Integer.compare(a.clients(), b.clients())).orElseThrow();
        targets.add(new Target("added p50", fewest.clients(), fewest.addedP50Ms(), TARGET_ADDED_P50_MS,
                fewest.addedP50Ms() <= TARGET_ADDED_P50_MS));
        targets.add(new Target("added p99", most.clients(), most.addedP99Ms(), TARGET_ADDED_P99_MS, most.addedP99Ms() <= TARGET_ADDED_P99_MS));
        for (Completions row : rows) {
            targets.add(new Target("throughput ratio", row.clients(), row.throughputRatio(), TARGET_THROUGHPUT_RATIO,
                    row.throughputRatio() >= TARGET_THROUGHPUT_RATIO));
        }
        return targets;
    }

    static boolean allAnswered(GatewayReport report) {
        List<Map<String, Integer>> statuses = new ArrayList<>();
        report.completions().forEach(row -> statuses.addAll(List.of(row.direct().statuses(), row.gateway().statuses())));
        report.streaming().forEach(row -> statuses.addAll(List.of(row.direct().statuses(), row.gateway().statuses())));
        return statuses.stream().allMatch(counts -> counts.keySet().equals(Set.of(OK)));
    }

    /** The one-minute load average of the machine; -1 where the system has none. */
    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static String markdown(GatewayReport report) {
        Settings s = report.settings();
        Machine m = report.machine();
        StringBuilder md = new StringBuilder("# bench-gateway: the Front Door against its upstream called directly\n\n");
        md.append(String.format(Locale.ROOT, "%d cores, Java %s, load average %.2f before, %.2f after; %s, security %s; "
                        + "%d calls per side and number of clients (%d streamed, %d tokens each), in %d alternating rounds; "
                        + "upstream delay %.1f ms.%n%n", m.cores(), m.java(), m.loadBefore(), m.loadAfter(), s.gatewayPath(), s.security(),
                s.requests(), s.streamRequests(), s.tokens(), ROUNDS, s.upstreamDelayMs()));
        md.append("| clients | direct p50 | direct p99 | direct calls/s | gateway p50 | gateway p99 | gateway calls/s "
                + "| added p50 | added p99 | throughput ratio | added CPU per call |\n"
                + "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Completions row : report.completions()) {
            md.append(String.format(Locale.ROOT, "| %d | %.2f ms | %.2f ms | %.0f | %.2f ms | %.2f ms | %.0f | %+.2f ms | %+.2f ms | %.2f | %.2f ms |%n",
                    row.clients(), row.direct().p50Ms(), row.direct().p99Ms(), row.direct().callsPerSecond(), row.gateway().p50Ms(),
                    row.gateway().p99Ms(), row.gateway().callsPerSecond(), row.addedP50Ms(), row.addedP99Ms(), row.throughputRatio(),
                    row.addedCpuMsPerCall()));
        }
        md.append("\nStreamed, time to the first `data:` line (and to the stream's end):\n\n"
                + "| clients | direct first p50 | direct first p99 | gateway first p50 | gateway first p99 | added first p50 "
                + "| added first p99 | direct whole p50 | gateway whole p50 |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Streaming row : report.streaming()) {
            md.append(String.format(Locale.ROOT, "| %d | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %+.2f ms | %+.2f ms | %.2f ms | %.2f ms |%n",
                    row.clients(), row.direct().firstTokenP50Ms(), row.direct().firstTokenP99Ms(), row.gateway().firstTokenP50Ms(),
                    row.gateway().firstTokenP99Ms(), row.addedFirstTokenP50Ms(), row.addedFirstTokenP99Ms(), row.direct().wholeP50Ms(),
                    row.gateway().wholeP50Ms()));
        }
        md.append("\n| target | clients | measured | limit | met |\n| --- | ---: | ---: | ---: | --- |\n");
        for (Target target : report.targets()) {
            boolean ratio = target.figure().equals("throughput ratio");
            md.append(String.format(Locale.ROOT, ratio ? "| %s | %d | %.2f | >= %.2f | %s |%n" : "| %s | %d | %+.2f ms | <= %.1f ms | %s |%n",
                    target.figure(), target.clients(), target.measured(), target.limit(), target.met() ? "yes" : "**no**"));
        }
        md.append(allAnswered(report) ? "\nEvery call was answered 200.\n" : "\n**Not every call was answered 200**: see statuses in report.json.\n");
        return md.toString();
    }
}
