package ai.dsp.platform.controltower.manifest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ManifestJsonTest {

    private final ManifestJson json = new ManifestJson();

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** {"p":"xxx…"} of exactly {@code size} bytes. */
    private static byte[] ofSize(int size) {
        String prefix = "{\"p\":\"";
        String suffix = "\"}";
        return utf8(prefix + "x".repeat(size - prefix.length() - suffix.length()) + suffix);
    }

    /** {@code depth} objects, one in the other. */
    private static byte[] nested(int depth) {
        return utf8("{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1));
    }

    private InvalidManifestException refused(byte[] body) {
        return catchThrowableOfType(InvalidManifestException.class, () -> json.parse(body));
    }

    @Test
    void parsesAnObjectKeepingItsKeysInOrder() {
        ObjectNode manifest = json.parse(utf8("{\"project_id\": \"demo\", \"modules\": [], \"environment\": \"dev\"}"));

        assertThat(manifest.fieldNames()).toIterable().containsExactly("project_id", "modules", "environment");
    }

    @Test
    void aBodyOverTheSizeLimitIsTooLarge() {
        assertThat(json.parse(ofSize(1024 * 1024)).path("p").asText()).hasSize(1024 * 1024 - 8);

        InvalidManifestException tooLarge = refused(ofSize(1024 * 1024 + 1));

        assertThat(tooLarge.kind()).isEqualTo(InvalidManifestException.Kind.TOO_LARGE);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.findings()).singleElement().satisfies(f -> assertThat(f.message()).contains("1048576 bytes"));
    }

    @Test
    void aStreamIsReadOnlyUpToOneBytePastTheLimit() {
        ManifestJson small = new ManifestJson(new ManifestJson.Limits(100, 64));
        ByteArrayInputStream body = new ByteArrayInputStream(ofSize(10_000));

        assertThatThrownBy(() -> small.parse(body)).isInstanceOfSatisfying(InvalidManifestException.class,
                e -> assertThat(e.kind()).isEqualTo(InvalidManifestException.Kind.TOO_LARGE));
        assertThat(body.available()).isEqualTo(10_000 - 101);
        assertThat(small.parse(new ByteArrayInputStream(ofSize(100))).has("p")).isTrue();
    }

    @Test
    void aManifestDeeperThanTheLimitIsTooDeep() {
        assertThat(json.parse(nested(64))).isNotNull();

        InvalidManifestException tooDeep = refused(nested(65));

        assertThat(tooDeep.kind()).isEqualTo(InvalidManifestException.Kind.TOO_DEEP);
        assertThat(tooDeep.status()).isEqualTo(400);
        assertThat(tooDeep.findings()).singleElement().satisfies(f -> assertThat(f.message()).contains("deeper than 64 levels"));
    }

    @Test
    void malformedJsonIsToldByLineAndColumnWithoutTheContent() {
        InvalidManifestException malformed = refused(utf8("{\"project_id\": \"demo\",\n \"secret\": hunter2}"));

        assertThat(malformed.kind()).isEqualTo(InvalidManifestException.Kind.MALFORMED);
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.findings()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("/secret");
            assertThat(f.message()).startsWith("malformed JSON at line 2, column ");
        });
        assertThat(malformed.getMessage()).doesNotContain("hunter2");
        assertThat(refused(utf8("{\"a\": \"b\"")).findings().get(0).message()).startsWith("the JSON ends too early at line 1");
        assertThat(refused(utf8("{} {}")).kind()).isEqualTo(InvalidManifestException.Kind.MALFORMED);
        assertThat(refused(new byte[0]).findings().get(0).message()).isEqualTo("the body is empty: a manifest is a JSON object");
    }

    @Test
    void aKeyTwiceInOneObjectIsRefusedWhereItIs() {
        InvalidManifestException duplicate = refused(utf8("{\"modules\": [{\"name\": \"auth\", \"name\": \"admin\"}]}"));

        assertThat(duplicate.kind()).isEqualTo(InvalidManifestException.Kind.MALFORMED);
        assertThat(duplicate.findings()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("/modules/0/name");
            assertThat(f.message()).startsWith("a key appears twice in one object at line 1, column ");
        });
    }

    @Test
    void aBodyThatIsNotAnObjectIsRefused() {
        InvalidManifestException list = refused(utf8("[{\"project_id\": \"demo\"}]"));

        assertThat(list.kind()).isEqualTo(InvalidManifestException.Kind.NOT_AN_OBJECT);
        assertThat(list.status()).isEqualTo(400);
        assertThat(list.findings().get(0).message()).isEqualTo("a manifest is a JSON object, not a list");
        assertThat(refused(utf8("\"demo\"")).findings().get(0).message()).isEqualTo("a manifest is a JSON object, not a string");
    }

    @Test
    void writesTheSeedsFileLayoutKeepingKeyOrderAndDecimals() {
        ObjectNode manifest = json.parse(utf8("{\"project_id\":\"demo\",\"tags\":[],\"environments\":{},"
                + "\"modules\":[{\"name\":\"m\",\"config\":{\"temperature\":0.70,\"dependencies\":[\"a\",\"b\"]}}]}"));

        String written = new String(ManifestJson.write(manifest), StandardCharsets.UTF_8);

        assertThat(written).isEqualTo("""
                {
                  "project_id": "demo",
                  "tags": [],
                  "environments": {},
                  "modules": [
                    {
                      "name": "m",
                      "config": {
                        "temperature": 0.70,
                        "dependencies": [
                          "a",
                          "b"
                        ]
                      }
                    }
                  ]
                }
                """);
    }

    @Test
    void aSeedManifestSurvivesWriteAndParse() throws IOException {
        ObjectNode manifest = SeedManifestsTest.fixture("sas2py");

        assertThat(json.parse(ManifestJson.write(manifest))).isEqualTo(manifest);
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new ManifestJson.Limits(0, 64)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ManifestJson.Limits(1024, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ManifestJson.Limits.DEFAULT).isEqualTo(new ManifestJson.Limits(1024 * 1024, 64));
    }
}
