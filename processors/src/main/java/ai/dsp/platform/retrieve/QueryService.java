package ai.dsp.platform.retrieve;

import ai.dsp.platform.answer.Answer;
import ai.dsp.platform.answer.Answerer;
import ai.dsp.platform.answer.Source;
import ai.dsp.platform.metrics.PlatformMetrics;
import ai.dsp.platform.metrics.PlatformMetrics.Endpoint;
import ai.dsp.platform.store.MetadataFilter;

import java.util.List;
import java.util.stream.IntStream;

/** Retrieval followed by answer generation over the retrieved passages. */
public final class QueryService {

    private final Retriever retriever;
    private final Answerer answerer;
    private final PlatformMetrics metrics;

    public QueryService(Retriever retriever, Answerer answerer, PlatformMetrics metrics) {
        this.retriever = retriever;
        this.answerer = answerer;
        this.metrics = metrics;
    }

    /** {@code scope}: what the caller may see, as for {@link Retriever#retrieve}. */
    public QueryResponse query(RetrieveRequest request, List<MetadataFilter> scope) {
        long started = System.nanoTime();
        RetrieveResponse retrieved = retriever.find(request, scope);
        long retrievedAt = System.nanoTime();
        List<Source> sources = sources(retrieved.results());
        Answer answer = answerer.answer(retrieved.query(), sources);
        long answeredAt = System.nanoTime();
        List<QueryResponse.QuerySource> wireSources = sources.stream()
                .map(s -> new QueryResponse.QuerySource(s.number(), s.documentId(), s.chunkId(), s.filename(), s.text(), s.score()))
                .toList();
        metrics.query(Endpoint.QUERY, retrieved.mode(), answeredAt - started, retrieved.results().size());
        return new QueryResponse(answer.text(), answer.citations(), answer.generator(), wireSources,
                new QueryResponse.Timings(millis(started, retrievedAt), millis(retrievedAt, answeredAt), millis(started, answeredAt)));
    }

    private static List<Source> sources(List<RetrievedChunk> results) {
        return IntStream.range(0, results.size())
                .mapToObj(i -> {
                    RetrievedChunk r = results.get(i);
                    return new Source(i + 1, r.documentId(), r.chunkId(), r.filename(), r.text(), r.score());
                })
                .toList();
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
