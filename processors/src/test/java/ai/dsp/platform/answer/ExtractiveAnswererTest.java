package ai.dsp.platform.answer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ExtractiveAnswererTest {

    private static final Source HANDBOOK = source(1, "employee-handbook.pdf",
            "Welcome to Acme. New employees receive a laptop on their first day. "
                    + "Security awareness training must be completed within 30 days of joining. "
                    + "The IT service desk is open from 8:00 to 18:00 on working days.");
    private static final Source BACKUP_POLICY = source(2, "backup-policy.md",
            "Backup policy\n\n"
                    + "Production databases are backed up every night at 02:00 UTC. "
                    + "Nightly backups are retained for 35 days and stored encrypted in a second region. "
                    + "Restores are tested once per quarter by the platform team.");
    private static final Source INCIDENT_RUNBOOK = source(3, "incident-runbook.md",
            "During an incident the on-call engineer opens a ticket and pages the service owner. "
                    + "If data was lost, the service owner requests a restore from the latest backup.");

    private final ExtractiveAnswerer answerer = new ExtractiveAnswerer();

    @Test
    void quotesTheSentenceThatAnswersAndCitesItsSource() {
        Answer answer = answerer.answer("How long are backups retained?",
                List.of(HANDBOOK, BACKUP_POLICY, INCIDENT_RUNBOOK));

        assertThat(answer.text()).isEqualTo(
                "Nightly backups are retained for 35 days and stored encrypted in a second region. [2]");
        assertThat(answer.citations()).containsExactly(2);
        assertThat(answer.generator()).isEqualTo("extractive");
    }

    @Test
    void streamsTheSameAnswerSentenceBySentence() {
        List<Source> sources = List.of(HANDBOOK, BACKUP_POLICY, INCIDENT_RUNBOOK);
        String question = "Who requests a restore of lost data, and how often are restores tested?";
        List<String> pieces = new ArrayList<>();
        List<Answer> completed = new ArrayList<>();

        answerer.stream(question, sources, pieces::add, completed::add, error -> {
            throw new AssertionError(error);
        });

        Answer whole = answerer.answer(question, sources);
        assertThat(completed).containsExactly(whole);
        assertThat(pieces).containsExactly(
                "Restores are tested once per quarter by the platform team. [2]",
                " If data was lost, the service owner requests a restore from the latest backup. [3]");
        assertThat(String.join("", pieces)).isEqualTo(whole.text());
    }

    @Test
    void aStreamWithNothingToQuoteSaysSoInOnePiece() {
        List<String> pieces = new ArrayList<>();
        List<Answer> completed = new ArrayList<>();

        answerer.stream("anything", List.of(), pieces::add, completed::add, error -> {
            throw new AssertionError(error);
        });

        assertThat(pieces).containsExactly(Answer.NO_MATCHING_CONTENT);
        assertThat(completed).extracting(Answer::text).containsExactly(Answer.NO_MATCHING_CONTENT);
    }

    @Test
    void aReaderThatFailsStopsTheStreamAndGetsItsFailureBack() {
        IllegalStateException gone = new IllegalStateException("client gone");
        List<String> pieces = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();

        answerer.stream("Who requests a restore of lost data, and how often are restores tested?",
                List.of(HANDBOOK, BACKUP_POLICY, INCIDENT_RUNBOOK), piece -> {
                    pieces.add(piece);
                    throw gone;
                }, answer -> {
                    throw new AssertionError("completed after the reader failed");
                }, errors::add);

        assertThat(pieces).hasSize(1);
        assertThat(errors).containsExactly(gone);
    }

    @Test
    void citationsAreExactlyTheMarkersInTheText() {
        Answer answer = answerer.answer("Who requests a restore of lost data, and how often are restores tested?",
                List.of(HANDBOOK, BACKUP_POLICY, INCIDENT_RUNBOOK));

        assertThat(answer.text()).contains(
                "Restores are tested once per quarter by the platform team. [2]",
                "the service owner requests a restore from the latest backup. [3]");
        assertThat(answer.citations()).containsExactly(2, 3).isEqualTo(Citations.parse(answer.text(), List.of(
                HANDBOOK, BACKUP_POLICY, INCIDENT_RUNBOOK)));
    }

    @Test
    void printsChosenSentencesInSourceThenTextOrder() {
        Source first = source(1, "logging.md", "Object versioning keeps old copies of every file. "
                + "Audit logs are written to object storage.");
        Source second = source(2, "retention.md", "Object retention for audit logs is seven years by law.");

        Answer answer = answerer.answer("object retention for audit logs", List.of(first, second));

        // The best sentence comes from source 2, yet source 1's sentence is printed first.
        assertThat(answer.text()).isEqualTo("Audit logs are written to object storage. [1] "
                + "Object retention for audit logs is seven years by law. [2]");
        assertThat(answer.citations()).containsExactly(1, 2);
    }

    @Test
    void anEarlierSourceWinsWhenSentencesMatchEqually() {
        Source first = source(1, "vpn-guide.md", "The VPN client reconnects automatically after sleep.");
        Source second = source(2, "vpn-faq.md", "Our VPN client reconnects automatically after a network change.");

        Answer answer = new ExtractiveAnswerer(1).answer("Does the VPN client reconnect?", List.of(first, second));

        assertThat(answer.text()).isEqualTo("The VPN client reconnects automatically after sleep. [1]");
    }

    @Test
    void aLaterSourceWinsWithClearlyMoreMatchingTerms() {
        Source first = source(1, "overview.md", "Passwords are managed centrally by the identity team.");
        Source second = source(2, "password-policy.md", "Passwords expire after 90 days and must contain 12 characters.");

        Answer answer = new ExtractiveAnswerer(1).answer("When do passwords expire, and how many characters?",
                List.of(first, second));

        assertThat(answer.text()).isEqualTo("Passwords expire after 90 days and must contain 12 characters. [2]");
        assertThat(answer.citations()).containsExactly(2);
    }

    @Test
    void doesNotPadAPreciseAnswerWithSentencesSharingOneWord() {
        Source policy = source(1, "travel-policy.md", "Flights are booked through the travel portal. "
                + "Business class flights need approval from a vice president. "
                + "Hotel bookings need no approval.");

        Answer answer = answerer.answer("Who approves business class flights?", List.of(policy));

        assertThat(answer.text()).isEqualTo("Business class flights need approval from a vice president. [1]");
    }

    @Test
    void fallsBackToTheFirstSentenceOfTheBestSourceWhenNothingMatches() {
        Answer answer = answerer.answer("What is the cafeteria menu on Friday?", List.of(HANDBOOK, BACKUP_POLICY));

        // "Welcome to Acme." is too short to be an answer on its own.
        assertThat(answer.text()).isEqualTo("New employees receive a laptop on their first day. [1]");
        assertThat(answer.citations()).containsExactly(1);
    }

    @Test
    void saysSoWhenThereAreNoSources() {
        Answer answer = answerer.answer("How long are backups retained?", List.of());

        assertThat(answer.text()).isEqualTo("No indexed content matches the question.");
        assertThat(answer.citations()).isEmpty();
        assertThat(answer.generator()).isEqualTo("extractive");
    }

    @Test
    void joinsHardWrappedLinesSkipsFragmentsAndTruncatesRunOns() {
        String runOn = IntStream.rangeClosed(1, 100).mapToObj(i -> "firewall" + i).collect(Collectors.joining(" "));
        Source source = source(1, "network.txt", "Firewall rules\n\nChanges to firewall rules are\nreviewed "
                + "by the network team.\n\nFirewall " + runOn);

        Answer answer = answerer.answer("firewall", List.of(source));

        assertThat(answer.text()).startsWith("Changes to firewall rules are reviewed by the network team. [1] "
                + "Firewall firewall1 firewall2 ");
        assertThat(answer.text()).endsWith(" firewall79 … [1]").doesNotContain("firewall80");
    }

    @Test
    void quotesASentenceRepeatedByOverlappingChunksOnce() {
        Source chunk = source(1, "backup-policy.md", "Nightly backups are retained for 35 days.");
        Source overlap = source(2, "backup-policy.md", "Nightly backups are retained for 35 days. "
                + "Monthly backups are retained for one year.");

        Answer answer = answerer.answer("How long are backups retained?", List.of(chunk, overlap));

        assertThat(answer.text()).isEqualTo("Nightly backups are retained for 35 days. [1] "
                + "Monthly backups are retained for one year. [2]");
    }

    @Test
    void dropsTheDocumentsOwnFootnoteMarkers() {
        Source article = source(1, "history.html", "The first backup tapes were adopted in 1951 [2]. Disks came later [3].");

        Answer answer = answerer.answer("When were backup tapes adopted?", List.of(article, BACKUP_POLICY));

        assertThat(answer.text()).isEqualTo("The first backup tapes were adopted in 1951. [1]");
        assertThat(answer.citations()).containsExactly(1);
    }

    private static Source source(int number, String filename, String text) {
        return new Source(number, "doc-" + filename, "doc-" + filename + ":0", filename, text, 1.0 / number);
    }
}
