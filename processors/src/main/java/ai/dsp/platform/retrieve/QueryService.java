package ai.dsp.platform.retrieve;

import ai.dsp.platform.answer.Answer;
import ai.dsp.platform.answer.AnswerUnavailableException;
import ai.dsp.platform.answer.Answerer;
import ai.dsp.platform.answer.Source;
import ai.dsp.platform.answer.StreamedCitations;
import ai.dsp.platform.metrics.PlatformMetrics;
import ai.dsp.platform.metrics.PlatformMetrics.Endpoint;
import ai.dsp.platform.retrieve.QueryResponse.QuerySource;
import ai.dsp.platform.store.MetadataFilter;
import dev.langchain4j.model.TokenCountEstimator;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/** Retrieval followed by answer generation over the retrieved passages, whole or streamed. */
public final class QueryService {

    private final Retriever retriever;
    private final Answerer answerer;
    private final PlatformMetrics metrics;
    private final TokenCountEstimator tokens;
    private final Duration streamSilence;

    /**
     * @param tokens        counts the tokens of a streamed answer's {@link AnswerEvents.Usage}
     * @param streamSilence how long a streamed answer may send nothing before it is given up
     */
    public QueryService(Retriever retriever, Answerer answerer, PlatformMetrics metrics, TokenCountEstimator tokens,
                        Duration streamSilence) {
        this.retriever = retriever;
        this.answerer = answerer;
        this.metrics = metrics;
        this.tokens = tokens;
        this.streamSilence = streamSilence;
    }

    /** {@code scope}: what the caller may see, as for {@link Retriever#retrieve}. */
    public QueryResponse query(RetrieveRequest request, List<MetadataFilter> scope) {
        long started = System.nanoTime();
        RetrieveResponse retrieved = retriever.find(request, scope);
        long retrievedAt = System.nanoTime();
        List<Source> sources = sources(retrieved.results());
        Answer answer = answerer.answer(retrieved.query(), sources);
        long answeredAt = System.nanoTime();
        metrics.query(Endpoint.QUERY, retrieved.mode(), answeredAt - started, retrieved.results().size());
        return new QueryResponse(answer.text(), answer.citations(), answer.generator(), wire(sources, retrieved.results()),
                new QueryResponse.Timings(millis(started, retrievedAt), millis(retrievedAt, answeredAt), millis(started, answeredAt)));
    }

    /**
     * The answer {@link #query} gives, put into {@code events} piece by piece as the answerer makes
     * it; returns when the answer is done, has failed, or {@code events} threw. Until the first
     * event nothing is sent, so a bad request or an unavailable index is thrown as by {@link #query};
     * after it, every failure of the answer is an {@link AnswerEvents#error} and an exception
     * thrown here is one of {@code events}' own.
     */
    public void stream(RetrieveRequest request, List<MetadataFilter> scope, AnswerEvents events) {
        long started = System.nanoTime();
        RetrieveResponse retrieved = retriever.find(request, scope);
        long retrievedAt = System.nanoTime();
        List<Source> sources = sources(retrieved.results());
        List<QuerySource> wire = wire(sources, retrieved.results());
        events.sources(wire);
        Pieces pieces = new Pieces();
        try {
            answerer.stream(retrieved.query(), sources, pieces::token, pieces::complete, pieces::fail);
            StreamedCitations citations = new StreamedCitations(sources);
            while (true) {
                Piece piece = pieces.next(streamSilence);
                if (piece.token() != null) {
                    events.delta(piece.token());
                    for (int n : citations.add(piece.token())) {
                        events.citation(n, wire.get(n - 1));
                    }
                } else if (piece.answer() != null) {
                    long answeredAt = System.nanoTime();
                    metrics.query(Endpoint.QUERY, retrieved.mode(), answeredAt - started, retrieved.results().size());
                    events.done(new AnswerEvents.Done(piece.answer().generator(), piece.answer().citations(),
                            new QueryResponse.Timings(millis(started, retrievedAt), millis(retrievedAt, answeredAt), millis(started, answeredAt)),
                            usage(retrieved.query(), sources, piece.answer())));
                    return;
                } else {
                    events.error(piece.error());
                    return;
                }
            }
        } finally {
            // an answerer still writing learns at its next piece that nobody reads it any more
            pieces.abandon();
        }
    }

    private AnswerEvents.Usage usage(String question, List<Source> sources, Answer answer) {
        int prompt = tokens.estimateTokenCountInText(question)
                + sources.stream().mapToInt(source -> tokens.estimateTokenCountInText(source.text())).sum();
        int completion = tokens.estimateTokenCountInText(answer.text());
        return new AnswerEvents.Usage(prompt, completion, prompt + completion);
    }

    private static List<Source> sources(List<RetrievedChunk> results) {
        return IntStream.range(0, results.size())
                .mapToObj(i -> {
                    RetrievedChunk r = results.get(i);
                    return new Source(i + 1, r.documentId(), r.chunkId(), r.filename(), r.text(), r.score());
                })
                .toList();
    }

    /** {@code results}: the retrieved chunks the sources were made from, in the same order. */
    private static List<QuerySource> wire(List<Source> sources, List<RetrievedChunk> results) {
        return IntStream.range(0, sources.size())
                .mapToObj(i -> {
                    Source s = sources.get(i);
                    return new QuerySource(s.number(), s.documentId(), s.chunkId(), s.filename(), s.text(), s.score(), results.get(i).graphPath());
                })
                .toList();
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }

    /** One thing an answerer said: a piece of text, the complete answer, or its failure. */
    private record Piece(String token, Answer answer, Throwable error) {
    }

    /**
     * Hands what the answerer says (on its own threads) to the thread that writes the events, so
     * that events are written one at a time, by the thread that owns the call.
     */
    private static final class Pieces {

        private final BlockingQueue<Piece> queue = new LinkedBlockingQueue<>();
        private volatile boolean abandoned;

        void token(String text) {
            if (abandoned) {
                // the answerer then stops (ChatAnswerer cancels its request to the model)
                throw new CancellationException("nobody reads this answer any more");
            }
            if (!text.isEmpty()) {
                queue.add(new Piece(text, null, null));
            }
        }

        void complete(Answer answer) {
            queue.add(new Piece(null, answer, null));
        }

        void fail(Throwable error) {
            queue.add(new Piece(null, null, error));
        }

        void abandon() {
            abandoned = true;
        }

        Piece next(Duration silence) {
            try {
                Piece piece = queue.poll(silence.toMillis(), TimeUnit.MILLISECONDS);
                return piece != null ? piece
                        : new Piece(null, null, new AnswerUnavailableException("the answer stream sent nothing for " + silence));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Piece(null, null, new AnswerUnavailableException("the answer stream was interrupted", e));
            }
        }
    }
}
