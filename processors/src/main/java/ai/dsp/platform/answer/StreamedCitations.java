package ai.dsp.platform.answer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the {@code [n]} citation markers of an answer that arrives in pieces, as soon as each is
 * complete, although a marker may be split over pieces ({@code "[1"}, {@code "]"}). Over the whole
 * answer it finds what {@link Answer#citations()} holds: each known source once, in order of first
 * appearance. Not thread-safe: one answer, one reader.
 */
public final class StreamedCitations {

    // what a marker looks like before its closing bracket has come
    private static final Pattern UNFINISHED_MARKER = Pattern.compile("\\[[\\d,\\s]*");

    private final Set<Integer> known;
    private final Set<Integer> cited = new LinkedHashSet<>();
    private final StringBuilder text = new StringBuilder();
    /** Where the next marker can start: everything before it has been read. */
    private int unread;

    public StreamedCitations(List<Source> sources) {
        this.known = sources.stream().map(Source::number).collect(Collectors.toSet());
    }

    /** The source numbers cited for the first time once {@code piece} is added to the text, in order. */
    public List<Integer> add(String piece) {
        text.append(piece);
        List<Integer> fresh = new ArrayList<>();
        Matcher marker = Citations.MARKER.matcher(text).region(unread, text.length());
        int read = unread;
        while (marker.find()) {
            for (String number : marker.group(1).split(",")) {
                int n = Integer.parseInt(number.trim());
                if (known.contains(n) && cited.add(n)) {
                    fresh.add(n);
                }
            }
            read = marker.end();
        }
        int open = text.lastIndexOf("[");
        boolean pending = open >= read && UNFINISHED_MARKER.matcher(text).region(open, text.length()).matches();
        unread = pending ? open : text.length();
        return fresh;
    }
}
