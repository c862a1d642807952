package ai.dsp.platform.document.lucene;

import ai.dsp.platform.document.DocumentRegistry;
import ai.dsp.platform.document.DocumentRegistryContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

class LuceneDocumentRegistryTest extends DocumentRegistryContract {

    @TempDir
    Path dir;

    @Override
    protected DocumentRegistry newRegistry() {
        return new LuceneDocumentRegistry(dir, Duration.ZERO);
    }

    @Override
    protected DocumentRegistry reopen(DocumentRegistry closed) {
        return new LuceneDocumentRegistry(dir, Duration.ZERO);
    }
}
