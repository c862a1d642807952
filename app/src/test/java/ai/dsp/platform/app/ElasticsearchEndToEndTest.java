package ai.dsp.platform.app;

import ai.dsp.platform.testing.ElasticsearchServer;

import java.util.List;

/** End to end with the chunks in a real Elasticsearch 8.19 node. */
class ElasticsearchEndToEndTest extends EndToEndContract {

    @Override
    List<String> storeSettings() {
        return List.of(
                "--dsp.store.type=elasticsearch",
                "--dsp.elasticsearch.urls=" + ElasticsearchServer.shared().url(),
                "--dsp.elasticsearch.index-prefix=e2e" + ProcessHandle.current().pid());
    }
}
