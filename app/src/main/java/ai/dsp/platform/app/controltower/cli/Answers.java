package ai.dsp.platform.app.controltower.cli;

import java.io.Console;

/**
 * Where {@code manifest new} gets the values that {@code --set} did not give: a person at the
 * terminal when there is one, nobody otherwise (scripts and CI then get exit 2 and the list of
 * what is missing, never a prompt that waits forever).
 */
interface Answers {

    /** Nobody to ask. */
    Answers NONE = new Answers() {
        @Override
        public boolean interactive() {
            return false;
        }

        @Override
        public String ask(String variable, String description, String defaultValue) {
            return null;
        }
    };

    boolean interactive();

    /** The answer, the default for an empty one, or null when there is neither. */
    String ask(String variable, String description, String defaultValue);

    /** The terminal, when the process has one ({@link System#console()}). */
    static Answers console() {
        Console console = System.console();
        if (console == null || !isTerminal(console)) {
            return NONE;
        }
        return new Answers() {
            @Override
            public boolean interactive() {
                return true;
            }

            @Override
            public String ask(String variable, String description, String defaultValue) {
                String about = description == null || description.isBlank() ? "" : " (" + description + ")";
                String offered = defaultValue == null ? "" : " [" + defaultValue + "]";
                String line = console.readLine("%s%s%s: ", variable, about, offered);
                if (line == null || line.isBlank()) {
                    return defaultValue;
                }
                return line.trim();
            }
        };
    }

    /**
     * From Java 22 on, {@link System#console()} answers even when input and output are not a
     * terminal, and {@code Console.isTerminal()} tells; before, a console is a terminal.
     */
    private static boolean isTerminal(Console console) {
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
