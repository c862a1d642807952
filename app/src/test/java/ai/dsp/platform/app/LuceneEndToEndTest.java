package ai.dsp.platform.app;

import java.util.List;

/** End to end on the embedded defaults: Lucene on local disk. */
class LuceneEndToEndTest extends EndToEndContract {

    @Override
    List<String> storeSettings() {
        return List.of();
    }
}
