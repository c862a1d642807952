package ai.dsp.platform.app;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** One read of the app's {@code /metrics}, with the samples a test looks up by name and labels. */
final class Scrape {

    private final String text;

    private Scrape(String text) {
        this.text = text;
    }

    static Scrape of(AppHarness app) {
        return of(app, "/metrics");
    }

    static Scrape of(AppHarness app, String path) {
        HttpResponse<String> response = app.getText(path);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode());
        }
        return new Scrape(response.body());
    }

    String text() {
        return text;
    }

    /**
     * The value of the one sample of {@code name} whose labels include every {@code key="value"}
     * given; NaN when there is none (so any equality assertion fails), an error when several match.
     */
    double value(String name, String... labels) {
        List<Double> values = new ArrayList<>();
        for (String line : text.lines().toList()) {
            if ((line.startsWith(name + "{") || line.startsWith(name + " ")) && Stream.of(labels).allMatch(line::contains)) {
                values.add(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        if (values.size() > 1) {
            throw new IllegalStateException(values.size() + " samples of " + name + " match " + List.of(labels));
        }
        return values.isEmpty() ? Double.NaN : values.get(0);
    }

    /** Metric families, from the {@code # TYPE} lines. */
    Set<String> families() {
        Set<String> names = new TreeSet<>();
        text.lines().filter(line -> line.startsWith("# TYPE ")).forEach(line -> names.add(line.split(" ")[2]));
        return names;
    }
}
