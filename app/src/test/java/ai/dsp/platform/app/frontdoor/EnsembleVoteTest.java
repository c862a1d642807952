package ai.dsp.platform.app.frontdoor;

import ai.dsp.platform.embed.Embedder;
import ai.dsp.platform.embed.InProcessModel;
import ai.dsp.platform.embed.OnnxEmbeddingModel;
import ai.dsp.platform.metrics.PlatformMetrics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The vote with the real in-process model: answers that mean the same cluster, the heaviest cluster wins. */
class EnsembleVoteTest {

    static ExecutorService pool;
    static EnsembleVote vote;

    @BeforeAll
    static void load() {
        pool = Executors.newFixedThreadPool(2);
        vote = new EnsembleVote(new Embedder(model -> new OnnxEmbeddingModel(model, pool, 1), InProcessModel.ALL_MINILM_L6_V2_Q,
                collection -> Optional.empty(), 8, PlatformMetrics.discarding()));
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    @Test
    void twoLightMembersThatAgreeOutvoteOneHeavyMemberAlone() {
        EnsembleVote.Result result = vote.decide(List.of(
                new EnsembleVote.Member("p/large", 0.5, "ok", 900, "The capital of France is Lyon, a city on the Rhone."),
                new EnsembleVote.Member("p/fast", 0.3, "ok", 200, "Paris is the capital of France."),
                new EnsembleVote.Member("p/mid", 0.25, "ok", 400, "The capital city of France is Paris."),
                new EnsembleVote.Member("p/broken", 0.4, "timeout", 5000, null)));

        assertThat(result.answer().model()).isEqualTo("p/fast");
        assertThat(result.agreement()).isEqualTo(Math.round(0.55 / 1.05 * 1000) / 1000.0);
        assertThat(result.members()).extracting(member -> member.get("model")).containsExactly("p/large", "p/fast", "p/mid", "p/broken");
        Map<String, Object> broken = result.members().get(3);
        assertThat(broken.get("status")).isEqualTo("timeout");
        assertThat(broken.get("similarity_to_answer")).isNull();
        assertThat((double) result.members().get(1).get("similarity_to_answer")).isGreaterThan(0.99);
        assertThat((double) result.members().get(2).get("similarity_to_answer")).isGreaterThan(EnsembleVote.SAME_MEANING);
        assertThat((double) result.members().get(0).get("similarity_to_answer")).isLessThan((double) result.members().get(2).get("similarity_to_answer"));
    }

    @Test
    void whenAllAgreeTheHeaviestMemberSpeaksWithFullAgreement() {
        EnsembleVote.Result result = vote.decide(List.of(
                new EnsembleVote.Member("p/a", 0.4, "ok", 10, "Backups are kept for 35 days."),
                new EnsembleVote.Member("p/b", 0.6, "ok", 10, "Backups are retained for thirty-five days.")));
        assertThat(result.answer().model()).isEqualTo("p/b");
        assertThat(result.agreement()).isEqualTo(1.0);
    }

    @Test
    void noAnswerAtAllIsAnError() {
        assertThatThrownBy(() -> vote.decide(List.of(new EnsembleVote.Member("p/a", 1, "error", 10, null))))
                .isInstanceOf(IllegalStateException.class);
    }
}
