package ai.dsp.platform.app;

import ai.dsp.platform.testing.Executables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker/alerts.yml through the real promtool (Debian package prometheus): the rules load, their
 * unit tests in docker/alerts.test.yml pass, and every alert has a case that fires it and one
 * that must not.
 */
class AlertRulesTest {

    static final Path DOCKER = Path.of("docker").toAbsolutePath().normalize();

    @Test
    void theRulesLoad() throws Exception {
        Result check = promtool("check", "rules", "alerts.yml");

        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS");
    }

    @Test
    void theRuleUnitTestsPass() throws Exception {
        Result test = promtool("test", "rules", "alerts.test.yml");

        assertThat(test.exitCode()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS");
    }

    /** A wrong threshold in a rule makes its unit tests fail: the tests check the rules, not themselves. */
    @Test
    void aBrokenRuleFailsItsUnitTests(@TempDir Path work) throws Exception {
        String rules = Files.readString(DOCKER.resolve("alerts.yml"));
        String broken = rules.replace("> 0.5", "> 50");
        assertThat(broken).as("alerts.yml has a 0.5 s threshold to break").isNotEqualTo(rules);
        Files.writeString(work.resolve("alerts.yml"), broken);
        Files.copy(DOCKER.resolve("alerts.test.yml"), work.resolve("alerts.test.yml"));

        Result test = run(work, "test", "rules", "alerts.test.yml");

        assertThat(test.exitCode()).as(test.output()).isNotZero();
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertHasACaseThatFiresItAndOneThatMustNot() throws IOException {
        Set<String> alerts = new TreeSet<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) yaml("alerts.yml").get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                if (rule.containsKey("alert")) {
                    alerts.add((String) rule.get("alert"));
                }
            }
        }
        Set<String> firing = new TreeSet<>();
        Set<String> silent = new TreeSet<>();
        for (Map<String, Object> test : (List<Map<String, Object>>) yaml("alerts.test.yml").get("tests")) {
            for (Map<String, Object> expectation : (List<Map<String, Object>>) test.getOrDefault("alert_rule_test", List.of())) {
                List<?> expected = (List<?>) expectation.get("exp_alerts");
                (expected == null || expected.isEmpty() ? silent : firing).add((String) expectation.get("alertname"));
            }
        }

        assertThat(alerts).contains("DspAppDown").hasSizeGreaterThanOrEqualTo(10);
        assertThat(firing).as("alerts with a case that fires them").containsAll(alerts);
        assertThat(silent).as("alerts with a case where they must not fire").containsAll(alerts);
        assertThat(firing).as("cases name only existing alerts").isSubsetOf(alerts);
    }

    private static Map<String, Object> yaml(String file) throws IOException {
        return yaml(DOCKER.resolve(file));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(Path file) throws IOException {
        return (Map<String, Object>) new Yaml().load(Files.readString(file));
    }

    record Result(int exitCode, String output) {
    }

    private static Result promtool(String... arguments) throws Exception {
        return run(DOCKER, arguments);
    }

    private static Result run(Path folder, String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Executables.require("promtool", "prometheus").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        return new Result(process.exitValue(), String.join(" ", command) + "\n" + output);
    }
}
