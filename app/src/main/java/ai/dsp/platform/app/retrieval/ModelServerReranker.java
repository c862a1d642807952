package ai.dsp.platform.app.retrieval;

import ai.dsp.platform.app.frontdoor.ModelServers;
import ai.dsp.platform.app.frontdoor.ProjectModule;
import ai.dsp.platform.retrieve.Reranker;

import java.util.List;

/**
 * A cross-encoder behind the seed's model-server contract: {@code POST {service_url}{rerank_endpoint}
 * {query, texts, model_name}} answers {@code {scores}}, through the module's client (its key,
 * retries and timeout). {@code model}: the rag_config's {@code reranking.model}, else the
 * module's {@code default_reranker_model}.
 */
final class ModelServerReranker implements Reranker {

    private final ModelServers servers;
    private final ProjectModule module;
    private final String model;

    ModelServerReranker(ModelServers servers, ProjectModule module, String model) {
        this.servers = servers;
        this.module = module;
        this.model = model;
    }

    @Override
    public List<Double> scores(String query, List<String> texts) {
        return servers.scores(module, query, texts, model, null);
    }

    @Override
    public String name() {
        return "model_server " + module.project() + "/" + module.name();
    }
}
