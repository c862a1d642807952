package ai.dsp.platform.controltower.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The part of Rego the seed's policy files are written in, read into statements: tokens
 * (identifiers, strings, numbers, operators, line ends), then {@code package}, {@code import},
 * {@code default} and rules (a head with an optional value, bodies, {@code else} branches). Bodies
 * stay token lists, one per expression: {@link RegoImporter} decides what they mean. No Rego
 * engine runs here (none exists for the JVM), so this reads, it never evaluates.
 */
final class RegoSyntax {

    enum Kind { IDENT, STRING, NUMBER, OP, NEWLINE }

    /** {@code text} is a string's value, else the source text. */
    record Token(Kind kind, String text, int line) {

        boolean is(String op) {
            return (kind == Kind.OP || kind == Kind.IDENT) && text.equals(op);
        }

        /** As the token is written in a normalised expression: strings quoted. */
        String normal() {
            return kind == Kind.STRING ? quote(text) : text;
        }
    }

    /** A Rego text this reader cannot split into statements. */
    static final class SyntaxException extends RuntimeException {
        SyntaxException(int line, String message) {
            super("line " + line + ": " + message);
        }
    }

    /** One {@code if} / {@code else} branch: its value ({@code null}: none written) and body expressions ({@code null}: no body). */
    record Branch(List<Token> value, List<List<Token>> body, int line) {
    }

    enum StatementKind { PACKAGE, IMPORT, DEFAULT, RULE }

    /**
     * A top-level statement. For a rule: {@code name} (dotted for {@code aihpc.dev}), {@code args}
     * for a function, whether it is {@code partial} (a set or object rule), and its branches, the
     * first being the head's. {@code problem} is set when the statement was not understood.
     */
    record Statement(StatementKind kind, String name, int line, List<String> args, boolean partial, String assign,
                     List<Branch> branches, List<Token> tokens, String problem) {

        Branch main() {
            return branches.get(0);
        }

        /** A rule with a value and nothing else: {@code name := term}. */
        boolean isConstant() {
            return problem == null && kind == StatementKind.RULE && args == null && !partial && branches.size() == 1
                    && main().value() != null && main().body() == null;
        }

        /** A rule without a value, arguments or else: {@code name if { ... }}, one definition of a boolean rule. */
        boolean isBooleanRule() {
            return problem == null && kind == StatementKind.RULE && args == null && !partial && branches.size() == 1
                    && main().body() != null && (main().value() == null || "true".equals(text(main().value())));
        }
    }

    private static final Set<String> OPENERS = Set.of("{", "[", "(");
    private static final Set<String> CLOSERS = Set.of("}", "]", ")");
    /** A line ending in one of these goes on. */
    private static final Set<String> CONTINUING = Set.of(":=", "=", "==", "!=", "<", ">", "<=", ">=", "if", "else", ",", "|",
            "+", "-", "*", "/", "&", "%", ":", ".");
    private static final List<String> TWO_CHARACTER = List.of(":=", "==", "!=", "<=", ">=");
    private static final String ONE_CHARACTER = "{}[]().,;:=|<>+-*/&%";

    private RegoSyntax() {
    }

    static List<Statement> parse(String text) {
        List<Statement> statements = new ArrayList<>();
        for (List<Token> tokens : split(tokens(text))) {
            statements.add(statement(tokens));
        }
        return statements;
    }

    // ---------------------------------------------------------------- tokens

    static List<Token> tokens(String text) {
        List<Token> tokens = new ArrayList<>();
        int line = 1;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\n') {
                tokens.add(new Token(Kind.NEWLINE, "\n", line++));
                i++;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '"') {
                StringBuilder value = new StringBuilder();
                int start = line;
                i++;
                while (true) {
                    if (i >= text.length() || text.charAt(i) == '\n') {
                        throw new SyntaxException(start, "a string is not closed");
                    }
                    char s = text.charAt(i);
                    if (s == '"') {
                        i++;
                        break;
                    }
                    if (s == '\\') {
                        if (i + 1 >= text.length()) {
                            throw new SyntaxException(start, "a string is not closed");
                        }
                        char e = text.charAt(i + 1);
                        switch (e) {
                            case '"', '\\', '/' -> value.append(e);
                            case 'b' -> value.append('\b');
                            case 'f' -> value.append('\f');
                            case 'n' -> value.append('\n');
                            case 'r' -> value.append('\r');
                            case 't' -> value.append('\t');
                            case 'u' -> {
                                if (i + 6 > text.length()) {
                                    throw new SyntaxException(start, "a \\u escape needs four hex digits");
                                }
                                try {
                                    value.append((char) Integer.parseInt(text.substring(i + 2, i + 6), 16));
                                } catch (NumberFormatException bad) {
                                    throw new SyntaxException(start, "a \\u escape needs four hex digits");
                                }
                                i += 4;
                            }
                            default -> throw new SyntaxException(start, "unknown escape \\" + e + " in a string");
                        }
                        i += 2;
                    } else {
                        value.append(s);
                        i++;
                    }
                }
                tokens.add(new Token(Kind.STRING, value.toString(), start));
            } else if (c == '`') {
                int end = text.indexOf('`', i + 1);
                if (end < 0) {
                    throw new SyntaxException(line, "a raw string is not closed");
                }
                String value = text.substring(i + 1, end);
                tokens.add(new Token(Kind.STRING, value, line));
                line += (int) value.chars().filter(ch -> ch == '\n').count();
                i = end + 1;
            } else if (Character.isDigit(c)) {
                int start = i;
                while (i < text.length() && Character.isDigit(text.charAt(i))) {
                    i++;
                }
                if (i + 1 < text.length() && text.charAt(i) == '.' && Character.isDigit(text.charAt(i + 1))) {
                    i++;
                    while (i < text.length() && Character.isDigit(text.charAt(i))) {
                        i++;
                    }
                }
                if (i < text.length() && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
                    int exponent = i + 1;
                    if (exponent < text.length() && (text.charAt(exponent) == '+' || text.charAt(exponent) == '-')) {
                        exponent++;
                    }
                    if (exponent < text.length() && Character.isDigit(text.charAt(exponent))) {
                        i = exponent;
                        while (i < text.length() && Character.isDigit(text.charAt(i))) {
                            i++;
                        }
                    }
                }
                tokens.add(new Token(Kind.NUMBER, text.substring(start, i), line));
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
                    i++;
                }
                tokens.add(new Token(Kind.IDENT, text.substring(start, i), line));
            } else {
                String op = null;
                for (String two : TWO_CHARACTER) {
                    if (text.startsWith(two, i)) {
                        op = two;
                        break;
                    }
                }
                if (op == null && ONE_CHARACTER.indexOf(c) >= 0) {
                    op = String.valueOf(c);
                }
                if (op == null) {
                    throw new SyntaxException(line, "unexpected character '" + c + "'");
                }
                tokens.add(new Token(Kind.OP, op, line));
                i += op.length();
            }
        }
        return tokens;
    }

    /** Statements end at a line end outside brackets, unless the line obviously goes on or the next one is an {@code else}. */
    private static List<List<Token>> split(List<Token> tokens) {
        List<List<Token>> statements = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        List<Integer> open = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.kind() == Kind.OP && OPENERS.contains(token.text())) {
                open.add(token.line());
            } else if (token.kind() == Kind.OP && CLOSERS.contains(token.text())) {
                if (open.isEmpty()) {
                    throw new SyntaxException(token.line(), "'" + token.text() + "' closes nothing");
                }
                open.remove(open.size() - 1);
            }
            if (token.kind() == Kind.NEWLINE && open.isEmpty()) {
                Token last = lastReal(current);
                Token next = nextReal(tokens, i + 1);
                boolean goesOn = last != null && last.kind() == Kind.OP && CONTINUING.contains(last.text())
                        || last != null && last.is("if") || last != null && last.is("else")
                        || next != null && next.is("else");
                if (!goesOn) {
                    if (last != null) {
                        statements.add(current);
                    }
                    current = new ArrayList<>();
                }
                continue;
            }
            current.add(token);
        }
        if (!open.isEmpty()) {
            throw new SyntaxException(open.get(0), "a bracket opened here is not closed");
        }
        if (lastReal(current) != null) {
            statements.add(current);
        }
        return statements;
    }

    private static Token lastReal(List<Token> tokens) {
        for (int i = tokens.size() - 1; i >= 0; i--) {
            if (tokens.get(i).kind() != Kind.NEWLINE) {
                return tokens.get(i);
            }
        }
        return null;
    }

    private static Token nextReal(List<Token> tokens, int from) {
        for (int i = from; i < tokens.size(); i++) {
            if (tokens.get(i).kind() != Kind.NEWLINE) {
                return tokens.get(i);
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- statements

    private static Statement statement(List<Token> tokens) {
        int line = tokens.get(0).line();
        Cursor at = new Cursor(tokens, 0);
        Token first = at.next();
        if (first.is("package") || first.is("import")) {
            StringBuilder ref = new StringBuilder();
            while (at.hasMore() && !at.peekIs("as")) {
                ref.append(at.next().text());
            }
            StatementKind kind = first.is("package") ? StatementKind.PACKAGE : StatementKind.IMPORT;
            return new Statement(kind, ref.toString(), line, null, false, null, List.of(), tokens, null);
        }
        boolean isDefault = first.is("default");
        Token head = isDefault && at.hasMore() ? at.next() : first;
        if (head.kind() != Kind.IDENT) {
            return unparsed(tokens, line, "?", "a statement should start with a rule name");
        }
        StringBuilder name = new StringBuilder(head.text());
        while (at.peekIs(".") && at.peekIsIdentAfter()) {
            at.next();
            name.append('.').append(at.next().text());
        }
        try {
            return rule(tokens, at, line, name.toString(), isDefault);
        } catch (SyntaxException e) {
            return unparsed(tokens, line, name.toString(), e.getMessage());
        } catch (IndexOutOfBoundsException e) {
            return unparsed(tokens, line, name.toString(), "the statement ends too early");
        }
    }

    private static Statement rule(List<Token> tokens, Cursor at, int line, String name, boolean isDefault) {
        List<String> args = null;
        boolean partial = false;
        if (at.peekIs("(")) {
            args = new ArrayList<>();
            at.next();
            while (!at.peekIs(")")) {
                Token arg = at.next();
                if (arg.kind() != Kind.IDENT) {
                    throw new SyntaxException(arg.line(), "function arguments other than names are not read");
                }
                args.add(arg.text());
                if (at.peekIs(",")) {
                    at.next();
                }
            }
            at.next();
        }
        if (at.peekIs("[")) {
            partial = true;
            at.term();
        }
        if (at.peekIs("contains")) {
            partial = true;
            at.next();
            at.term();
        }
        String assign = null;
        List<Token> value = null;
        if (at.peekIs(":=") || at.peekIs("=")) {
            assign = at.next().text();
            value = at.term();
        }
        List<Branch> branches = new ArrayList<>();
        branches.add(new Branch(value, body(at), line));
        while (at.peekIs("else")) {
            Token keyword = at.next();
            List<Token> elseValue = null;
            if (at.peekIs(":=") || at.peekIs("=")) {
                at.next();
                elseValue = at.term();
            }
            branches.add(new Branch(elseValue, body(at), keyword.line()));
        }
        if (at.hasMore()) {
            throw new SyntaxException(at.peek().line(), "unexpected '" + at.peek().text() + "'");
        }
        return new Statement(isDefault ? StatementKind.DEFAULT : StatementKind.RULE, name, line, args, partial, assign,
                branches, tokens, null);
    }

    /** An {@code if} body, a braces body (the old syntax), or none. */
    private static List<List<Token>> body(Cursor at) {
        if (at.peekIs("if")) {
            at.next();
            if (at.peekIs("{")) {
                return expressions(at.block());
            }
            List<Token> expression = new ArrayList<>();
            while (at.hasMore() && !at.peekIs("else")) {
                expression.add(at.next());
            }
            return expression.isEmpty() ? List.of() : List.of(expression);
        }
        if (at.peekIs("{")) {
            return expressions(at.block());
        }
        return null;
    }

    /** A body's expressions: split at line ends and {@code ;} outside brackets. */
    private static List<List<Token>> expressions(List<Token> inside) {
        List<List<Token>> expressions = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        int depth = 0;
        for (Token token : inside) {
            if (token.kind() == Kind.OP && OPENERS.contains(token.text())) {
                depth++;
            } else if (token.kind() == Kind.OP && CLOSERS.contains(token.text())) {
                depth--;
            }
            if (depth == 0 && (token.kind() == Kind.NEWLINE || token.is(";"))) {
                if (!current.isEmpty()) {
                    expressions.add(current);
                    current = new ArrayList<>();
                }
            } else if (token.kind() != Kind.NEWLINE) {
                current.add(token);
            }
        }
        if (!current.isEmpty()) {
            expressions.add(current);
        }
        return expressions;
    }

    private static Statement unparsed(List<Token> tokens, int line, String name, String problem) {
        return new Statement(StatementKind.RULE, name, line, null, false, null, List.of(), tokens, problem);
    }

    /** Tokens of a statement, read left to right; line ends inside it are skipped. */
    private static final class Cursor {
        private final List<Token> tokens;
        private int at;

        Cursor(List<Token> tokens, int at) {
            this.tokens = tokens;
            this.at = at;
            skipLines();
        }

        boolean hasMore() {
            return at < tokens.size();
        }

        Token peek() {
            return tokens.get(at);
        }

        boolean peekIs(String text) {
            return hasMore() && peek().is(text);
        }

        boolean peekIsIdentAfter() {
            return at + 1 < tokens.size() && tokens.get(at + 1).kind() == Kind.IDENT;
        }

        Token next() {
            Token token = tokens.get(at++);
            skipLines();
            return token;
        }

        private void skipLines() {
            while (at < tokens.size() && tokens.get(at).kind() == Kind.NEWLINE) {
                at++;
            }
        }

        /** The tokens between a brace and its match, line ends kept. */
        List<Token> block() {
            int end = matching(tokens, at);
            List<Token> inside = new ArrayList<>(tokens.subList(at + 1, end));
            at = end + 1;
            skipLines();
            return inside;
        }

        /** One term: a literal, a bracketed value, or a reference or call; line ends inside brackets dropped. */
        List<Token> term() {
            int start = at;
            Token first = peek();
            if (first.is("-")) {
                at++;
                first = peek();
            }
            if (first.kind() == Kind.STRING || first.kind() == Kind.NUMBER) {
                at++;
            } else if (first.kind() == Kind.OP && OPENERS.contains(first.text())) {
                at = matching(tokens, at) + 1;
            } else if (first.kind() == Kind.IDENT) {
                at++;
                while (at < tokens.size()) {
                    Token t = tokens.get(at);
                    if (t.is(".") && at + 1 < tokens.size() && tokens.get(at + 1).kind() == Kind.IDENT) {
                        at += 2;
                    } else if (t.is("[") || t.is("(")) {
                        at = matching(tokens, at) + 1;
                    } else {
                        break;
                    }
                }
            } else {
                throw new SyntaxException(first.line(), "a value was expected, not '" + first.text() + "'");
            }
            List<Token> term = tokens.subList(start, at).stream().filter(t -> t.kind() != Kind.NEWLINE).toList();
            skipLines();
            return term;
        }
    }

    private static int matching(List<Token> tokens, int open) {
        int depth = 0;
        for (int i = open; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.kind() == Kind.OP && OPENERS.contains(t.text())) {
                depth++;
            } else if (t.kind() == Kind.OP && CLOSERS.contains(t.text()) && --depth == 0) {
                return i;
            }
        }
        throw new SyntaxException(tokens.get(open).line(), "'" + tokens.get(open).text() + "' is not closed");
    }

    // ---------------------------------------------------------------- values

    /** A term that is not a plain value (a reference, a call, a set, a comprehension). */
    static final class NotLiteral extends Exception {
        NotLiteral(String message) {
            super(message);
        }
    }

    /**
     * The JSON value a literal term stands for. {@code oddKeys} hears each object key written
     * with {@code =} instead of {@code :} (the seed's {@code "script"="..."}), which is read as {@code :}.
     */
    static Object literal(List<Token> term, List<String> oddKeys) throws NotLiteral {
        List<Token> tokens = term.stream().filter(t -> t.kind() != Kind.NEWLINE).toList();
        int[] at = {0};
        Object value = literal(tokens, at, oddKeys);
        if (at[0] != tokens.size()) {
            throw new NotLiteral("'" + tokens.get(at[0]).text() + "' follows a value");
        }
        return value;
    }

    private static Object literal(List<Token> tokens, int[] at, List<String> oddKeys) throws NotLiteral {
        if (at[0] >= tokens.size()) {
            throw new NotLiteral("a value is missing");
        }
        Token t = tokens.get(at[0]++);
        if (t.kind() == Kind.STRING) {
            return t.text();
        }
        if (t.kind() == Kind.NUMBER || t.is("-") && at[0] < tokens.size() && tokens.get(at[0]).kind() == Kind.NUMBER) {
            String number = t.is("-") ? "-" + tokens.get(at[0]++).text() : t.text();
            if (!number.matches("-?\\d+")) {
                return Double.parseDouble(number);
            }
            // as Jackson reads JSON and YAML: an int when it fits, so an imported policy equals its stored form
            long integer = Long.parseLong(number);
            return integer == (int) integer ? (Object) (int) integer : (Object) integer;
        }
        if (t.is("true") || t.is("false")) {
            return Boolean.valueOf(t.text());
        }
        if (t.is("null")) {
            return null;
        }
        if (t.is("[")) {
            List<Object> list = new ArrayList<>();
            while (!tokens.get(at[0]).is("]")) {
                list.add(literal(tokens, at, oddKeys));
                if (tokens.get(at[0]).is(",")) {
                    at[0]++;
                } else if (!tokens.get(at[0]).is("]")) {
                    throw new NotLiteral("'" + tokens.get(at[0]).text() + "' in a list (a comprehension?)");
                }
            }
            at[0]++;
            return list;
        }
        if (t.is("{")) {
            Map<String, Object> object = new LinkedHashMap<>();
            while (!tokens.get(at[0]).is("}")) {
                Object key = literal(tokens, at, oddKeys);
                Token separator = tokens.get(at[0]++);
                if (separator.is("=")) {
                    oddKeys.add(String.valueOf(key) + " (line " + separator.line() + ")");
                } else if (!separator.is(":")) {
                    throw new NotLiteral("a set or a comprehension, not an object");
                }
                if (!(key instanceof String named)) {
                    throw new NotLiteral("an object key that is not a string");
                }
                object.put(named, literal(tokens, at, oddKeys));
                if (tokens.get(at[0]).is(",")) {
                    at[0]++;
                } else if (!tokens.get(at[0]).is("}")) {
                    throw new NotLiteral("'" + tokens.get(at[0]).text() + "' in an object");
                }
            }
            at[0]++;
            return object;
        }
        throw new NotLiteral("'" + t.text() + "' is a reference, not a value");
    }

    // ---------------------------------------------------------------- helpers

    /** Tokens as one normalised string: single spaces, strings quoted. */
    static String text(List<Token> tokens) {
        return tokens.stream().filter(t -> t.kind() != Kind.NEWLINE).map(Token::normal).collect(Collectors.joining(" "));
    }

    /** {@code rego} (one expression) in the same normal form, to compare a body with the seed's shape. */
    static String normal(String rego) {
        return text(tokens(rego));
    }

    static String quote(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
