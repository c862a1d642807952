package ai.dsp.platform.app.frontdoor;

import ai.dsp.platform.embed.Embedder;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weighted ensemble's vote ({@code aggregation: vote_and_score}): the members' answers are
 * clustered by meaning (cosine similarity of their embeddings by the in-process model, at least
 * {@link #SAME_MEANING} to a cluster's first, highest-weighted answer), the cluster with the
 * highest weight sum wins, and its highest-weighted member's text is the answer. {@code agreement}
 * is the winning cluster's share of the weight of the members that answered.
 */
@Component
public class EnsembleVote {

    /** Two answers this close say the same thing (all-MiniLM-L6-v2: paraphrases score about 0.8-0.95). */
    static final double SAME_MEANING = 0.8;

    private final Embedder embedder;

    public EnsembleVote(Embedder embedder) {
        this.embedder = embedder;
    }

    /** One member's outcome: {@code text} null when it failed or timed out ({@code status} says which). */
    public record Member(String model, double weight, String status, long latencyMs, String text) {

        boolean answered() {
            return text != null;
        }
    }

    /** The winner and every member, with its similarity to the answer (null for members that did not answer). */
    public record Result(Member answer, double agreement, List<Map<String, Object>> members) {
    }

    /** @throws IllegalStateException when no member answered */
    public Result decide(List<Member> members) {
        List<Member> answered = members.stream().filter(Member::answered).sorted(Comparator.comparingDouble(Member::weight).reversed()).toList();
        if (answered.isEmpty()) {
            throw new IllegalStateException("no member of the ensemble answered");
        }
        List<float[]> vectors = embedder.embedAll(answered.stream().map(Member::text).toList());
        List<List<Integer>> clusters = new ArrayList<>();
        for (int i = 0; i < answered.size(); i++) {
            List<Integer> home = null;
            for (List<Integer> cluster : clusters) {
                if (cosine(vectors.get(cluster.get(0)), vectors.get(i)) >= SAME_MEANING) {
                    home = cluster;
                    break;
                }
            }
            if (home == null) {
                home = new ArrayList<>();
                clusters.add(home);
            }
            home.add(i);
        }
        List<Integer> winner = clusters.stream().max(Comparator.comparingDouble(cluster -> weight(cluster, answered))).orElseThrow();
        double total = answered.stream().mapToDouble(Member::weight).sum();
        int chosen = winner.get(0);
        List<Map<String, Object>> report = new ArrayList<>();
        for (Member member : members) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", member.model());
            row.put("weight", member.weight());
            row.put("status", member.status());
            row.put("latency_ms", member.latencyMs());
            int index = answered.indexOf(member);
            row.put("similarity_to_answer", index < 0 ? null : round(cosine(vectors.get(chosen), vectors.get(index))));
            report.add(row);
        }
        return new Result(answered.get(chosen), total == 0 ? 0 : round(weight(winner, answered) / total), report);
    }

    private static double weight(List<Integer> cluster, List<Member> answered) {
        return cluster.stream().mapToDouble(i -> answered.get(i).weight()).sum();
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            normA += a[i] * a[i];
            normB += b[i] * b[i];
        }
        return normA == 0 || normB == 0 ? 0 : dot / Math.sqrt(normA * normB);
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
