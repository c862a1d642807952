package ai.dsp.platform.document.lucene;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import ai.dsp.platform.document.DocumentRecord;
import ai.dsp.platform.document.DocumentRegistry;
import ai.dsp.platform.document.DocumentStatus;
import ai.dsp.platform.document.RecordJson;
import ai.dsp.platform.lucene.AccessQuery;
import ai.dsp.platform.lucene.LuceneIndex;
import ai.dsp.platform.store.MetadataFilter;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

/**
 * The embedded {@link DocumentRegistry}: a Lucene index with one entry per document, the whole
 * record kept as JSON and its id, collection and status indexed for lookup, filtering and
 * ordering. Every save but a progress marker ({@code processing}) is committed before it
 * returns. Thread-safe.
 */
public final class LuceneDocumentRegistry implements DocumentRegistry {

    private static final String ID = "id";
    private static final String COLLECTION = "collection";
    private static final String STATUS = "status";
    private static final String RECORD_JSON = "record";
    private static final Sort BY_ID = new Sort(new SortField(ID, SortField.Type.STRING));

    private final ObjectMapper json = RecordJson.MAPPER;
    // Every indexed field is an un-analysed StringField; the analyzer is never consulted.
    private final Analyzer analyzer = new KeywordAnalyzer();
    private final LuceneIndex index;

    /**
     * @param dir            directory of the registry's index; created if absent
     * @param commitInterval least time between two commits (see {@link LuceneIndex})
     */
    public LuceneDocumentRegistry(Path dir, Duration commitInterval) {
        this.index = LuceneIndex.open(dir, analyzer, commitInterval);
    }

    @Override
    public void save(DocumentRecord record) {
        Objects.requireNonNull(record.id(), "id");
        Objects.requireNonNull(record.collection(), "collection");
        Objects.requireNonNull(record.status(), "status");
        Document doc = toDocument(record);
        LuceneIndex.Write update = writer -> writer.updateDocument(idTerm(record.id()), doc);
        if (record.status() == DocumentStatus.PROCESSING) {
            index.stage(update);
        } else {
            index.write(update);
        }
    }

    @Override
    public Optional<DocumentRecord> find(String id) {
        Objects.requireNonNull(id, "id");
        return index.read(searcher -> {
            ScoreDoc[] hits = searcher.search(new TermQuery(idTerm(id)), 1).scoreDocs;
            return hits.length == 0 ? Optional.empty() : Optional.of(read(searcher, hits[0].doc));
        });
    }

    @Override
    public Page list(String collection, DocumentStatus status, MetadataFilter.Access access, int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative");
        }
        Query query = matching(collection, status, access);
        return index.read(searcher -> {
            int total = searcher.count(query);
            int end = (int) Math.min(total, (long) offset + limit);
            List<DocumentRecord> items = new ArrayList<>();
            if (offset < end) {
                ScoreDoc[] hits = searcher.search(query, end, BY_ID).scoreDocs;
                for (int i = offset; i < hits.length; i++) {
                    items.add(read(searcher, hits[i].doc));
                }
            }
            return new Page(items, total, offset, limit);
        });
    }

    @Override
    public List<String> collections() {
        return index.read(searcher -> {
            List<String> live = new ArrayList<>();
            Terms terms = MultiTerms.getTerms(searcher.getIndexReader(), COLLECTION);
            if (terms == null) {
                return live;
            }
            // Terms can outlive their documents (updated or deleted entries), so each one is
            // confirmed by counting its documents that are not in the deleted status.
            TermsEnum collections = terms.iterator();
            for (BytesRef term = collections.next(); term != null; term = collections.next()) {
                String collection = term.utf8ToString();
                if (searcher.count(notDeletedIn(collection)) > 0) {
                    live.add(collection);
                }
            }
            return live;
        });
    }

    @Override
    public void close() {
        try {
            index.close();
        } finally {
            analyzer.close();
        }
    }

    private Document toDocument(DocumentRecord record) {
        Document doc = new Document();
        doc.add(new StringField(ID, record.id(), Field.Store.NO));
        doc.add(new SortedDocValuesField(ID, new BytesRef(record.id())));
        doc.add(new StringField(COLLECTION, record.collection(), Field.Store.NO));
        doc.add(new StringField(STATUS, record.status().wire(), Field.Store.NO));
        for (String user : MetadataFilter.Access.values(record.metadata().get(MetadataFilter.Access.ALLOWED_USERS))) {
            doc.add(new StringField(MetadataFilter.Access.ALLOWED_USERS, user, Field.Store.NO));
        }
        for (String group : MetadataFilter.Access.values(record.metadata().get(MetadataFilter.Access.ALLOWED_GROUPS))) {
            doc.add(new StringField(MetadataFilter.Access.ALLOWED_GROUPS, group, Field.Store.NO));
        }
        doc.add(new StoredField(RECORD_JSON, toJson(record)));
        return doc;
    }

    private DocumentRecord read(IndexSearcher searcher, int doc) throws IOException {
        return json.readValue(searcher.storedFields().document(doc).get(RECORD_JSON), DocumentRecord.class);
    }

    private String toJson(DocumentRecord record) {
        try {
            return json.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Document record " + record.id() + " is not serialisable", e);
        }
    }

    private static Query matching(String collection, DocumentStatus status, MetadataFilter.Access access) {
        if (collection == null && status == null && access == null) {
            return new MatchAllDocsQuery();
        }
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        if (access != null) {
            query.add(AccessQuery.of(access, MetadataFilter.Access.ALLOWED_USERS, MetadataFilter.Access.ALLOWED_GROUPS), Occur.FILTER);
        }
        if (collection != null) {
            query.add(new TermQuery(new Term(COLLECTION, collection)), Occur.FILTER);
        }
        if (status != null) {
            query.add(new TermQuery(new Term(STATUS, status.wire())), Occur.FILTER);
        }
        return query.build();
    }

    private static Query notDeletedIn(String collection) {
        return new BooleanQuery.Builder()
                .add(new TermQuery(new Term(COLLECTION, collection)), Occur.FILTER)
                .add(new TermQuery(new Term(STATUS, DocumentStatus.DELETED.wire())), Occur.MUST_NOT)
                .build();
    }

    private static Term idTerm(String id) {
        return new Term(ID, id);
    }
}
