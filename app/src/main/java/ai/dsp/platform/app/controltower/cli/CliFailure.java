package ai.dsp.platform.app.controltower.cli;

import java.util.List;

/**
 * Why a manifest command stops, with the exit code to stop with: 1 when the command ran and the
 * answer is no (an invalid manifest, a refused or stale push), 2 when it could not do its job
 * (bad usage, an unreadable file, an unreachable server). The lines go to standard error.
 */
final class CliFailure extends RuntimeException {

    static final int REFUSED = 1;
    static final int UNUSABLE = 2;

    private final int exitCode;
    private final List<String> lines;

    CliFailure(int exitCode, List<String> lines) {
        super(String.join("\n", lines), null, false, false);
        this.exitCode = exitCode;
        this.lines = List.copyOf(lines);
    }

    CliFailure(int exitCode, String line) {
        this(exitCode, List.of(line));
    }

    int exitCode() {
        return exitCode;
    }

    List<String> lines() {
        return lines;
    }
}
