package ai.dsp.platform.answer;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads the {@code [n]} citation markers out of an answer text. */
final class Citations {

    // Models also write grouped markers such as [1, 3]; those count as citations of 1 and 3.
    static final Pattern MARKER = Pattern.compile("\\[(\\d{1,4}(?:\\s*,\\s*\\d{1,4})*)]");

    private static final Pattern MARKER_WITH_LEADING_SPACE = Pattern.compile("\\s*" + MARKER.pattern());

    private Citations() {
    }

    /** {@code text} without any {@code [n]} markers. */
    static String strip(String text) {
        return MARKER_WITH_LEADING_SPACE.matcher(text).replaceAll("");
    }

    /**
     * The distinct source numbers cited in {@code text}, in order of first appearance. Numbers
     * that match no source are dropped: a model citing a source it was never given must not turn
     * into a link to nothing.
     */
    static List<Integer> parse(String text, List<Source> sources) {
        Set<Integer> known = sources.stream().map(Source::number).collect(Collectors.toSet());
        Set<Integer> cited = new LinkedHashSet<>();
        Matcher matcher = MARKER.matcher(text);
        while (matcher.find()) {
            for (String number : matcher.group(1).split(",")) {
                int n = Integer.parseInt(number.trim());
                if (known.contains(n)) {
                    cited.add(n);
                }
            }
        }
        return List.copyOf(cited);
    }
}
