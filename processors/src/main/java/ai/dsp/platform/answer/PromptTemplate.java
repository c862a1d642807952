package ai.dsp.platform.answer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The grounded-answer prompt, read from a text file:
 * <pre>
 * # comment lines, up to the first header
 * ### system
 * the system message (optional section)
 * ### user
 * the user message (required section)
 * </pre>
 * {@code {{question}}} and {@code {{sources}}} may appear in either section and must both appear
 * somewhere. Sources render as numbered blocks: {@code [n] (filename)}, then the passage text.
 */
final class PromptTemplate {

    private static final Pattern HEADER = Pattern.compile("^###\\s*(\\S+)\\s*$", Pattern.MULTILINE);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(question|sources)}}");

    private final String system;
    private final String user;

    private PromptTemplate(String system, String user) {
        this.system = system;
        this.user = user;
    }

    static PromptTemplate load(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the answer prompt template " + path.toAbsolutePath()
                    + " (set dsp.answer.llm.prompt-template): " + e, e);
        }
        return parse(text, path.toString());
    }

    static PromptTemplate parse(String text, String origin) {
        String system = "";
        String user = null;
        Matcher header = HEADER.matcher(text);
        boolean found = header.find();
        while (found) {
            String section = header.group(1).toLowerCase(Locale.ROOT);
            int bodyStart = header.end();
            found = header.find();
            String body = text.substring(bodyStart, found ? header.start() : text.length()).strip();
            switch (section) {
                case "system" -> system = body;
                case "user" -> user = body;
                default -> throw invalid(origin, "unknown section '### " + section + "' (expected system or user)");
            }
        }
        if (user == null || user.isEmpty()) {
            throw invalid(origin, "no '### user' section");
        }
        requirePlaceholder(system + user, "{{question}}", origin);
        requirePlaceholder(system + user, "{{sources}}", origin);
        return new PromptTemplate(system, user);
    }

    /** The system message, or empty when the template has none. */
    String system(String question, List<Source> sources) {
        return render(system, question, sources);
    }

    String user(String question, List<Source> sources) {
        return render(user, question, sources);
    }

    // One pass over the template: a question that itself contains "{{sources}}" stays literal.
    private static String render(String section, String question, List<Source> sources) {
        Matcher placeholder = PLACEHOLDER.matcher(section);
        StringBuilder out = new StringBuilder();
        while (placeholder.find()) {
            String value = placeholder.group(1).equals("question") ? question : formatSources(sources);
            placeholder.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        placeholder.appendTail(out);
        return out.toString();
    }

    static String formatSources(List<Source> sources) {
        return sources.stream()
                .map(source -> "[" + source.number() + "] (" + source.label() + ")\n" + source.text().strip())
                .collect(Collectors.joining("\n\n"));
    }

    private static void requirePlaceholder(String template, String placeholder, String origin) {
        if (!template.contains(placeholder)) {
            throw invalid(origin, "no " + placeholder + " placeholder");
        }
    }

    private static IllegalStateException invalid(String origin, String problem) {
        return new IllegalStateException("Invalid answer prompt template " + origin + ": " + problem);
    }
}
