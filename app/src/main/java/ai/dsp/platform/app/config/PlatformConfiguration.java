package ai.dsp.platform.app.config;

import ai.dsp.platform.answer.Answerer;
import ai.dsp.platform.answer.ChatAnswerer;
import ai.dsp.platform.answer.ChatProperties;
import ai.dsp.platform.answer.ExtractiveAnswerer;
import ai.dsp.platform.document.CollectionCatalog;
import ai.dsp.platform.document.DocumentRegistry;
import ai.dsp.platform.document.lucene.LuceneDocumentRegistry;
import ai.dsp.platform.embed.Embedder;
import ai.dsp.platform.graph.GraphFollowingChunkStore;
import ai.dsp.platform.graph.KnowledgeGraph;
import ai.dsp.platform.embed.EmbeddingProperties;
import ai.dsp.platform.embed.CollectionModels;
import ai.dsp.platform.embed.InProcessModel;
import ai.dsp.platform.embed.OnnxEmbeddingModel;
import ai.dsp.platform.ingest.ChunkingProperties;
import ai.dsp.platform.ingest.Chunker;
import ai.dsp.platform.ingest.DocumentIntake;
import ai.dsp.platform.ingest.DocumentService;
import ai.dsp.platform.ingest.ExtractionProperties;
import ai.dsp.platform.ingest.InboxFiles;
import ai.dsp.platform.ingest.IngestSteps;
import ai.dsp.platform.ingest.TikaExtractor;
import ai.dsp.platform.lucene.LuceneProperties;
import ai.dsp.platform.metrics.MeteredChunkStore;
import ai.dsp.platform.metrics.MetricsProperties;
import ai.dsp.platform.metrics.PlatformMetrics;
import ai.dsp.platform.retrieve.InvalidatingChunkStore;
import ai.dsp.platform.retrieve.QueryCache;
import ai.dsp.platform.retrieve.QueryService;
import ai.dsp.platform.retrieve.RetrievalCollections;
import ai.dsp.platform.retrieve.Retriever;
import ai.dsp.platform.store.ChunkStore;
import ai.dsp.platform.store.lucene.LuceneChunkStore;
import dev.langchain4j.model.TokenCountEstimator;
import dev.langchain4j.model.embedding.onnx.HuggingFaceTokenCountEstimator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wires the pipeline beans: embedded defaults (Lucene, in-process ONNX, extractive answers), with
 * the production backends in {@link ElasticsearchConfiguration} and {@link MessagingConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
public class PlatformConfiguration {

    /**
     * Each collection's model, loaded on first use. The models' own pool is not a bean: an
     * Executor bean would switch off Spring Boot's task executor, which platform-http needs. Its
     * threads are daemons and idle between batches.
     */
    @Bean
    Embedder embedder(EmbeddingProperties properties, CollectionModels collections, PlatformMetrics metrics) {
        AtomicInteger counter = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(properties.threads(), runnable -> {
            Thread thread = new Thread(runnable, "embed-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        return new Embedder(model -> new OnnxEmbeddingModel(model, pool, properties.intraOpThreads()),
                InProcessModel.require(properties.model()), collections, properties.batchSize(), metrics);
    }

    /** The domain metrics (docs/OPERATIONS.md), on the registry /metrics and /actuator/prometheus serve. */
    @Bean
    PlatformMetrics platformMetrics(MeterRegistry registry, MetricsProperties properties) {
        return new PlatformMetrics(registry, properties);
    }

    /**
     * Camel's exchange event notifier times exchanges per endpoint, tagged with a route id, but an
     * exchange sent from code (ProducerTemplate: the Elasticsearch store, eval) has none, and
     * Prometheus refuses one name with two tag sets: whichever came second was dropped with a
     * warning. The route policy's per-route timers and the in-flight gauges cover what it told.
     */
    @Bean
    MeterFilter withoutCamelEndpointTimers() {
        return MeterFilter.denyNameStartsWith("camel.exchange.event.notifier");
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "dsp.store.type", havingValue = "lucene", matchIfMissing = true)
    ChunkStore chunkStore(PlatformProperties properties, LuceneProperties lucene, Embedder embedder, QueryCache cache,
                          PlatformMetrics metrics, KnowledgeGraph graph) {
        return new GraphFollowingChunkStore(new MeteredChunkStore(new InvalidatingChunkStore(
                new LuceneChunkStore(properties.dataDir().resolve("index"), embedder, lucene.commitInterval()), cache),
                metrics, "lucene"), graph);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "dsp.store.type", havingValue = "lucene", matchIfMissing = true)
    DocumentRegistry documentRegistry(PlatformProperties properties, LuceneProperties lucene) {
        return new LuceneDocumentRegistry(properties.dataDir().resolve("documents"), lucene.commitInterval());
    }

    @Bean
    CollectionCatalog collectionCatalog(PlatformProperties properties, DocumentRegistry registry) {
        return new CollectionCatalog(properties.collections(), registry);
    }

    @Bean
    TikaExtractor tikaExtractor(ExtractionProperties properties) {
        return new TikaExtractor(properties);
    }

    /**
     * The embedding model's tokenizer (bert-base-uncased WordPiece): chunk sizes and the token
     * counts of streamed answers and of the OpenAI-compatible API. Thread-safe.
     */
    @Bean
    TokenCountEstimator tokenCountEstimator() {
        return new HuggingFaceTokenCountEstimator();
    }

    @Bean
    Chunker chunker(ChunkingProperties properties, TokenCountEstimator tokens) {
        return new Chunker(properties, tokens);
    }

    @Bean
    IngestSteps ingestSteps(TikaExtractor extractor, Chunker chunker, Embedder embedder, ChunkStore store, PlatformMetrics metrics) {
        return new IngestSteps(extractor, chunker, embedder, store, metrics);
    }

    @Bean
    DocumentService documentService(DocumentRegistry registry, ChunkStore store, PlatformMetrics metrics) {
        return new DocumentService(registry, store, Clock.systemUTC(), metrics);
    }

    @Bean
    DocumentIntake documentIntake(DocumentService documentService) {
        return new DocumentIntake(documentService);
    }

    @Bean
    InboxFiles inboxFiles(PlatformProperties properties) {
        return new InboxFiles(properties.inbox());
    }

    /**
     * Its keyword searches run on a few threads of their own beside the query threads, which embed
     * meanwhile; when all are busy the query thread searches itself (no queue to wait in).
     */
    @Bean
    Retriever retriever(ChunkStore store, Embedder embedder, CollectionCatalog catalog, RetrievalCollections settings,
                        QueryCache cache, PlatformMetrics metrics, KnowledgeGraph graph) {
        int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        AtomicInteger created = new AtomicInteger();
        ThreadPoolExecutor keywordSearches = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "keyword-search-" + created.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        keywordSearches.allowCoreThreadTimeOut(true);
        return new Retriever(store, embedder, catalog, settings, cache, metrics, graph, keywordSearches);
    }

    /** An OpenAI-compatible endpoint when one is configured, else extractive answers that need no LLM. */
    @Bean
    Answerer answerer(ChatProperties chat) {
        return ChatAnswerer.configured(chat) ? new ChatAnswerer(chat) : new ExtractiveAnswerer();
    }

    /** A streamed answer is given up after the chat endpoint's timeout without a word. */
    @Bean
    QueryService queryService(Retriever retriever, Answerer answerer, PlatformMetrics metrics, TokenCountEstimator tokens,
                              ChatProperties chat) {
        return new QueryService(retriever, answerer, metrics, tokens, chat.timeout());
    }
}
