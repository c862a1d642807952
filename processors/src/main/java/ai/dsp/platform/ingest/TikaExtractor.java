package ai.dsp.platform.ingest;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import ai.dsp.platform.document.DocumentRejectedException;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.exception.TikaException;
import org.apache.tika.exception.UnsupportedFormatException;
import org.apache.tika.exception.WriteLimitReachedException;
import org.apache.tika.exception.ZeroByteFileException;
import org.apache.tika.extractor.EmbeddedDocumentExtractor;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.EmptyParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.html.HtmlMapper;
import org.apache.tika.parser.html.IdentityHtmlMapper;
import org.apache.tika.parser.pdf.PDFParserConfig;
import org.apache.tika.sax.WriteOutContentHandler;
import org.springframework.util.unit.DataSize;
import org.xml.sax.ContentHandler;
import org.xml.sax.SAXException;

/**
 * Extracts structured plain text from any format Tika knows, within the limits of
 * {@link ExtractionProperties}. Every way a document can be bad ends in a
 * {@link DocumentRejectedException} with a one-line reason; only bugs and interruption escape as
 * other exceptions.
 *
 * <p>Embedded documents and archive entries are not parsed: attachments are rarely what a
 * collection is about, and skipping them keeps nested-archive bombs out. Bombs inside the
 * document itself are stopped by the write limit and by the zip-bomb guard that
 * {@link AutoDetectParser} wraps around every handler.
 */
public class TikaExtractor implements AutoCloseable {

    private static final long NOT_STARTED = Long.MIN_VALUE;
    private static final int MAX_CAUSE_LENGTH = 200;
    /** Parser messages can name temporary files; a reason keeps only a path's last segment. */
    private static final Pattern PATH = Pattern.compile("(?<![\\w.-])(?:[A-Za-z]:)?(?:[\\\\/][^\\\\/\\s:]+)+[\\\\/]([^\\\\/\\s:]+)");

    private final ExtractionProperties props;
    private final AutoDetectParser parser = new AutoDetectParser();
    private final ExecutorService executor;

    public TikaExtractor(ExtractionProperties props) {
        this.props = props;
        int threads = Runtime.getRuntime().availableProcessors();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), daemonThreads());
    }

    public Extraction extract(byte[] content, String filename) {
        return extract(new ByteArrayInputStream(content), filename, content.length);
    }

    /**
     * @param content   read to its end on a worker thread, not closed
     * @param sizeBytes the content's size, or negative when unknown (the stream is then cut off at
     *                  the size limit instead)
     */
    public Extraction extract(InputStream content, String filename, long sizeBytes) {
        rejectBadSize(sizeBytes);
        AtomicLong startedAt = new AtomicLong(NOT_STARTED);
        Future<Extraction> result = executor.submit(() -> {
            startedAt.set(System.nanoTime());
            return parse(content, filename, sizeBytes);
        });
        try {
            return await(result, startedAt);
        } catch (ExecutionException e) {
            // parse() lets only unchecked exceptions out: rejections, bugs and errors
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw (RuntimeException) e.getCause();
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while extracting " + filename, e);
        }
    }

    /**
     * Waits for the parse, counting the timeout from when it started rather than from when it was
     * queued: a busy pool must not make good documents look like timeouts.
     */
    private Extraction await(Future<Extraction> result, AtomicLong startedAt)
            throws ExecutionException, InterruptedException {
        long timeout = props.timeout().toNanos();
        while (true) {
            long started = startedAt.get();
            long wait = started == NOT_STARTED ? timeout : started + timeout - System.nanoTime();
            if (wait <= 0 && result.cancel(true)) {
                // The parser may ignore the interrupt; the write limit still bounds how long it keeps the thread.
                throw new DocumentRejectedException("extraction timed out after " + describe(props.timeout()));
            }
            try {
                return result.get(Math.max(wait, 0), TimeUnit.NANOSECONDS);
            } catch (TimeoutException notYet) {
                // loop: the deadline is known only once the parse has started
            }
        }
    }

    private void rejectBadSize(long sizeBytes) {
        if (sizeBytes == 0) {
            throw new DocumentRejectedException("file is empty");
        }
        if (sizeBytes > props.maxFileSize().toBytes()) {
            throw tooLarge();
        }
    }

    private Extraction parse(InputStream content, String filename, long sizeBytes) {
        Metadata metadata = new Metadata();
        if (filename != null) {
            metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, filename);
        }
        if (sizeBytes > 0) {
            metadata.set(Metadata.CONTENT_LENGTH, Long.toString(sizeBytes));
        }
        StructuredTextHandler text = new StructuredTextHandler();
        EmbeddedSkipper embedded = new EmbeddedSkipper();
        try {
            parser.parse(new LimitedInputStream(content, props.maxFileSize().toBytes()),
                    new WriteOutContentHandler(text, props.maxCharacters()), metadata, parseContext(embedded));
        } catch (IOException | SAXException | TikaException e) {
            throw reject(e, contentType(metadata));
        }
        return toExtraction(text.text(), metadata, embedded.skippedAny);
    }

    private static ParseContext parseContext(EmbeddedSkipper embedded) {
        ParseContext context = new ParseContext();
        context.set(EmbeddedDocumentExtractor.class, embedded);
        // Tika's default mapping drops div and section, gluing the text of neighbouring blocks together
        context.set(HtmlMapper.class, IdentityHtmlMapper.INSTANCE);
        // There is no OCR engine here, and Tika 3.2.3's automatic OCR fails on pages without text
        PDFParserConfig pdf = new PDFParserConfig();
        pdf.setOcrStrategy(PDFParserConfig.OCR_STRATEGY.NO_OCR);
        context.set(PDFParserConfig.class, pdf);
        return context;
    }

    private static Extraction toExtraction(String text, Metadata metadata, boolean skippedEmbedded) {
        String contentType = contentType(metadata);
        if (Arrays.asList(metadata.getValues(TikaCoreProperties.TIKA_PARSED_BY)).contains(EmptyParser.class.getName())) {
            throw unsupported(contentType);
        }
        if (text.isEmpty()) {
            throw new DocumentRejectedException(skippedEmbedded
                    ? "no extractable text (attachments and archive entries are not extracted)"
                    : "no extractable text");
        }
        String title = metadata.get(TikaCoreProperties.TITLE);
        return new Extraction(text, contentType, title == null || title.isBlank() ? null : title.strip(),
                firstValues(metadata));
    }

    private DocumentRejectedException reject(Exception e, String contentType) {
        if (WriteLimitReachedException.isWriteLimitReached(e)) {
            return new DocumentRejectedException("extracted text exceeds " + props.maxCharacters() + " characters", e);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof LimitedInputStream.TooLargeException) {
                return tooLarge();
            }
            if (t instanceof EncryptedDocumentException) {
                return new DocumentRejectedException("document is encrypted", e);
            }
            if (t instanceof ZeroByteFileException) {
                return new DocumentRejectedException("file is empty", e);
            }
            if (t instanceof UnsupportedFormatException) {
                return unsupported(contentType);
            }
            if (t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains("zip bomb")) {
                return new DocumentRejectedException("document looks like a decompression bomb", e);
            }
        }
        return new DocumentRejectedException("could not extract text: " + shortCause(e), e);
    }

    private DocumentRejectedException tooLarge() {
        return new DocumentRejectedException("file is larger than the limit of " + describe(props.maxFileSize()));
    }

    private static DocumentRejectedException unsupported(String contentType) {
        return new DocumentRejectedException("unsupported content type: " + contentType);
    }

    /** The innermost message names the actual defect; outer ones only say which parser failed. */
    private static String shortCause(Throwable e) {
        String message = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            } else if (message == null) {
                message = t.getClass().getSimpleName();
            }
        }
        String line = PATH.matcher(message.strip().lines().findFirst().orElse("")).replaceAll("$1");
        return line.length() <= MAX_CAUSE_LENGTH ? line : line.substring(0, MAX_CAUSE_LENGTH) + "...";
    }

    private static String contentType(Metadata metadata) {
        String type = metadata.get(Metadata.CONTENT_TYPE);
        MediaType parsed = type == null ? null : MediaType.parse(type);
        return parsed == null ? MediaType.OCTET_STREAM.toString() : parsed.getBaseType().toString();
    }

    private static Map<String, String> firstValues(Metadata metadata) {
        Map<String, String> values = new HashMap<>();
        for (String name : metadata.names()) {
            values.put(name, metadata.get(name));
        }
        return values;
    }

    private static String describe(DataSize size) {
        long bytes = size.toBytes();
        if (bytes % DataSize.ofMegabytes(1).toBytes() == 0) {
            return size.toMegabytes() + " MB";
        }
        return bytes % DataSize.ofKilobytes(1).toBytes() == 0 ? size.toKilobytes() + " KB" : bytes + " bytes";
    }

    private static String describe(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "tika-extract-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** Declines every embedded document, remembering whether there was one. */
    private static final class EmbeddedSkipper implements EmbeddedDocumentExtractor {

        private boolean skippedAny;

        @Override
        public boolean shouldParseEmbedded(Metadata metadata) {
            skippedAny = true;
            return false;
        }

        @Override
        public void parseEmbedded(InputStream stream, ContentHandler handler, Metadata metadata, boolean outputHtml) {
            throw new UnsupportedOperationException("embedded documents are not parsed");
        }
    }

    /** Enforces the size limit on streams whose length the caller could not tell us. */
    private static final class LimitedInputStream extends FilterInputStream {

        private final long limit;
        private long count;

        LimitedInputStream(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                advance(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                advance(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            advance(skipped);
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public void close() {
            // the caller owns the stream
        }

        private void advance(long n) throws TooLargeException {
            count += n;
            if (count > limit) {
                throw new TooLargeException();
            }
        }

        static final class TooLargeException extends IOException {
        }
    }
}
