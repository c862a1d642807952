package ai.dsp.platform.lucene;

import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Group commit: every write is durable and visible when it returns; staged changes ride along. */
class LuceneIndexTest {

    @TempDir
    Path dir;

    @Test
    void everyConcurrentWriteIsCommittedAndVisibleWhenItReturns() throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(8);
        try (LuceneIndex index = LuceneIndex.open(dir, new KeywordAnalyzer(), Duration.ofMillis(100))) {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String id = "doc-" + i;
                writes.add(writers.submit(() -> {
                    index.write(writer -> writer.addDocument(doc(id)));
                    // durable: a reader of the committed files, independent of the writer, sees it
                    assertThat(committedCount(id)).isEqualTo(1);
                    assertThat(index.<Integer>read(searcher -> searcher.count(new TermQuery(new Term("id", id))))).isEqualTo(1);
                    return null;
                }));
            }
            for (Future<?> write : writes) {
                write.get();
            }
            assertThat(index.<Integer>read(searcher -> searcher.getIndexReader().numDocs())).isEqualTo(40);
        } finally {
            writers.shutdownNow();
        }
    }

    @Test
    void stagedChangesShowWithTheNextWriteAndSurviveClose() throws IOException {
        try (LuceneIndex index = LuceneIndex.open(dir, new KeywordAnalyzer(), Duration.ZERO)) {
            index.stage(writer -> writer.addDocument(doc("staged")));
            assertThat(index.<Integer>read(searcher -> searcher.getIndexReader().numDocs())).isZero();
            assertThat(committedCount("staged")).isZero();

            index.write(writer -> writer.addDocument(doc("written")));
            assertThat(index.<Integer>read(searcher -> searcher.getIndexReader().numDocs())).isEqualTo(2);
            assertThat(committedCount("staged")).isEqualTo(1);

            index.stage(writer -> writer.addDocument(doc("staged-at-close")));
        }
        assertThat(committedCount("staged-at-close")).isEqualTo(1);
    }

    private long committedCount(String id) throws IOException {
        try (FSDirectory directory = FSDirectory.open(dir); DirectoryReader reader = DirectoryReader.open(directory)) {
            return reader.docFreq(new Term("id", id));
        }
    }

    private static Document doc(String id) {
        Document doc = new Document();
        doc.add(new StringField("id", id, Field.Store.YES));
        return doc;
    }
}
