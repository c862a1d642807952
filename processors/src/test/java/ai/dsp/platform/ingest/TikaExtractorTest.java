package ai.dsp.platform.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import ai.dsp.platform.document.DocumentRejectedException;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xslf.usermodel.XMLSlideShow;
import org.apache.poi.xslf.usermodel.XSLFTextBox;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFStyle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.CTString;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.CTStyle;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.STStyleType;
import org.springframework.util.unit.DataSize;

class TikaExtractorTest {

    private static final Path CACM = Path.of("..", "datasets", "cacm", "docs", "CACM-1410.html");

    private static TikaExtractor extractor;

    @BeforeAll
    static void createExtractor() {
        extractor = new TikaExtractor(new ExtractionProperties(null, null, null));
    }

    @AfterAll
    static void closeExtractor() {
        extractor.close();
    }

    // --- formats -------------------------------------------------------------------------

    @Test
    void pdfTextIsExtracted() throws IOException {
        Extraction result = extractor.extract(pdf("The quick brown fox jumps.", "Tika reads PDF files."), "fox.pdf");

        assertThat(result.contentType()).isEqualTo("application/pdf");
        assertThat(result.text()).contains("The quick brown fox jumps.").contains("Tika reads PDF files.");
    }

    @Test
    void docxHeadingStyleBecomesMarkdownHeading() throws IOException {
        Extraction result = extractor.extract(docx("Installation", "Run the installer and follow the steps."), "guide.docx");

        assertThat(result.text()).isEqualTo("# Installation\n\nRun the installer and follow the steps.");
    }

    @Test
    void xlsxCellsAreJoinedPerRow() throws IOException {
        Extraction result = extractor.extract(xlsx(), "prices.xlsx");

        assertThat(result.text()).contains("Product | Price").contains("Widget | 42");
    }

    @Test
    void pptxSlideTextIsExtracted() throws IOException {
        Extraction result = extractor.extract(pptx("Quarterly results exceeded expectations."), "deck.pptx");

        assertThat(result.text()).contains("Quarterly results exceeded expectations.");
    }

    @Test
    void htmlHeadingsParagraphsListsAndTablesAreStructured() {
        String html = """
                <html><head><title>The Guide</title><style>p { color: red }</style></head>
                <body><h1>Guide</h1><p>Intro   text.</p>
                <h2>Install <em>now</em></h2><div>Download it.<br>Then run it.</div>
                <ul><li>one</li><li>two</li></ul>
                <table><tr><th>key</th><th>value</th></tr><tr><td>a</td><td>1</td></tr></table>
                <script>var hidden = 1;</script></body></html>""";

        Extraction result = extractor.extract(html.getBytes(UTF_8), "guide.html");

        assertThat(result.text()).isEqualTo(
                "# Guide\n\nIntro text.\n\n## Install now\n\nDownload it.\nThen run it.\n\none\n\ntwo\n\nkey | value\n\na | 1");
        assertThat(result.title()).isEqualTo("The Guide");
        assertThat(result.contentType()).isEqualTo("text/html");
    }

    @Test
    void markdownKeepsItsHeadingLines() {
        String markdown = "# Title\n\nSome intro.\n\n\n\n## Part   two\nFirst line\nsecond line\n";

        Extraction result = extractor.extract(markdown.getBytes(UTF_8), "readme.md");

        assertThat(result.text()).isEqualTo("# Title\n\nSome intro.\n\n## Part two\nFirst line\nsecond line");
    }

    @Test
    void plainTextIsNormalised() {
        String text = "Caf\u0065\u0301 \u0007menu\r\n\tprices  are\u00a0fair.\n\n\n\nBye.";

        Extraction result = extractor.extract(text.getBytes(UTF_8), "notes.txt");

        assertThat(result.text()).isEqualTo("Caf\u00e9 menu\nprices are fair.\n\nBye.");
        assertThat(result.contentType()).isEqualTo("text/plain");
    }

    @Test
    void cacmPreformattedHtmlKeepsItsLines() throws IOException {
        Extraction result = extractor.extract(Files.readAllBytes(CACM), CACM.getFileName().toString());

        assertThat(result.text())
                .startsWith("Interarrival Statistics for Time Sharing Systems\n\nThe optimization of time-shared")
                .contains("\nCoffman, E. G.\nWood, R. C.\n");
    }

    @Test
    void unknownSizeStreamIsExtracted() {
        byte[] text = "Streamed text.".getBytes(UTF_8);

        assertThat(extractor.extract(new ByteArrayInputStream(text), "stream.txt", -1).text()).isEqualTo("Streamed text.");
    }

    // --- bad input -----------------------------------------------------------------------

    @Test
    void emptyFileIsRejected() {
        assertRejected(() -> extractor.extract(new byte[0], "empty.txt"), "file is empty");
        assertRejected(() -> extractor.extract(new ByteArrayInputStream(new byte[0]), "empty.txt", -1), "file is empty");
    }

    @Test
    void randomBytesAreUnsupported() {
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);

        assertRejected(() -> extractor.extract(noise, "blob.bin"), "unsupported content type: application/octet-stream");
    }

    @Test
    void truncatedPdfIsRejected() throws IOException {
        byte[] pdf = pdf("This document will be cut short.");

        assertRejected(() -> extractor.extract(Arrays.copyOf(pdf, 120), "cut.pdf"), "could not extract text: ");
    }

    @Test
    void encryptedPdfIsRejected() throws IOException {
        byte[] pdf = encryptedPdf("Top secret.");

        assertRejected(() -> extractor.extract(pdf, "secret.pdf"), "document is encrypted");
    }

    @Test
    void documentsWithoutTextAreRejected() throws IOException {
        assertRejected(() -> extractor.extract("<html><body><div><img src='a.png'></div></body></html>".getBytes(UTF_8),
                "image.html"), "no extractable text");
        byte[] blankPage = pdf();
        assertRejected(() -> extractor.extract(blankPage, "blank.pdf"), "no extractable text");
    }

    @Test
    void archiveEntriesAreNotExtracted() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("inner.txt"));
            zip.write("Text inside an archive.".getBytes(UTF_8));
        }

        assertRejected(() -> extractor.extract(out.toByteArray(), "bundle.zip"),
                "no extractable text (attachments and archive entries are not extracted)");
    }

    @Test
    void oversizeFileIsRejectedWithoutParsing() {
        byte[] twoKb = "a ".repeat(1024).getBytes(UTF_8);
        try (TikaExtractor small = new TikaExtractor(new ExtractionProperties(DataSize.ofKilobytes(1), null, null))) {
            assertRejected(() -> small.extract(twoKb, "big.txt"), "file is larger than the limit of 1 KB");
            assertRejected(() -> small.extract(new ByteArrayInputStream(twoKb), "big.txt", -1),
                    "file is larger than the limit of 1 KB");
        }
    }

    @Test
    void textBeyondWriteLimitIsRejectedNotTruncated() {
        byte[] text = "word ".repeat(1000).getBytes(UTF_8);
        try (TikaExtractor limited = new TikaExtractor(new ExtractionProperties(null, 1000, null))) {
            assertRejected(() -> limited.extract(text, "long.txt"), "extracted text exceeds 1000 characters");
        }
    }

    @Test
    void decompressionBombIsRejected() throws IOException {
        // About 8 MB of XML that deflates to a few KB
        byte[] bomb = withDocumentXml(docx("Bomb", "x"),
                "<w:p><w:r><w:t>" + "a".repeat(8_000_000) + "</w:t></w:r></w:p>");

        assertRejected(() -> extractor.extract(bomb, "bomb.docx"), "decompression bomb");
    }

    @Test
    void slowExtractionTimesOut() {
        byte[] text = "Many words make slow work. ".repeat(100_000).getBytes(UTF_8);
        try (TikaExtractor hasty = new TikaExtractor(new ExtractionProperties(null, null, Duration.ofMillis(1)))) {
            assertRejected(() -> hasty.extract(text, "slow.txt"), "extraction timed out after 1ms");
        }
    }

    private static void assertRejected(Runnable extraction, String reason) {
        assertThatThrownBy(extraction::run)
                .isInstanceOf(DocumentRejectedException.class)
                .hasMessageContaining(reason)
                .message().doesNotContain("\n").doesNotContain("/tmp");
    }

    // --- documents generated for the tests ------------------------------------------------

    private static byte[] pdf(String... lines) throws IOException {
        try (PDDocument document = pdfDocument(lines)) {
            return save(document);
        }
    }

    private static byte[] encryptedPdf(String line) throws IOException {
        try (PDDocument document = pdfDocument(line)) {
            StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-pw", "user-pw", new AccessPermission());
            policy.setEncryptionKeyLength(128);
            document.protect(policy);
            return save(document);
        }
    }

    private static PDDocument pdfDocument(String... lines) throws IOException {
        PDDocument document = new PDDocument();
        PDPage page = new PDPage();
        document.addPage(page);
        if (lines.length > 0) {
            try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                content.beginText();
                content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                content.setLeading(16);
                content.newLineAtOffset(72, 700);
                for (String line : lines) {
                    content.showText(line);
                    content.newLine();
                }
                content.endText();
            }
        }
        return document;
    }

    private static byte[] save(PDDocument document) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        document.save(out);
        return out.toByteArray();
    }

    /** Tika maps a paragraph to h1 only through a style named "heading 1" in styles.xml. */
    private static byte[] docx(String heading, String body) throws IOException {
        try (XWPFDocument document = new XWPFDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            CTStyle style = CTStyle.Factory.newInstance();
            style.setStyleId("Heading1");
            style.setType(STStyleType.PARAGRAPH);
            CTString name = CTString.Factory.newInstance();
            name.setVal("heading 1");
            style.setName(name);
            document.createStyles().addStyle(new XWPFStyle(style));

            var title = document.createParagraph();
            title.setStyle("Heading1");
            title.createRun().setText(heading);
            document.createParagraph().createRun().setText(body);
            document.write(out);
            return out.toByteArray();
        }
    }

    private static byte[] xlsx() throws IOException {
        try (XSSFWorkbook workbook = new XSSFWorkbook(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            XSSFSheet sheet = workbook.createSheet("Prices");
            sheet.createRow(0).createCell(0).setCellValue("Product");
            sheet.getRow(0).createCell(1).setCellValue("Price");
            sheet.createRow(1).createCell(0).setCellValue("Widget");
            sheet.getRow(1).createCell(1).setCellValue(42);
            workbook.write(out);
            return out.toByteArray();
        }
    }

    private static byte[] pptx(String text) throws IOException {
        try (XMLSlideShow slides = new XMLSlideShow(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            XSLFTextBox box = slides.createSlide().createTextBox();
            box.setText(text);
            slides.write(out);
            return out.toByteArray();
        }
    }

    /** Copies a DOCX, replacing the body of word/document.xml. */
    private static byte[] withDocumentXml(byte[] docx, String bodyXml) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(docx));
                ZipOutputStream zip = new ZipOutputStream(out)) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                zip.putNextEntry(new ZipEntry(entry.getName()));
                byte[] content = in.readAllBytes();
                if (entry.getName().equals("word/document.xml")) {
                    String xml = new String(content, UTF_8);
                    content = xml.replaceFirst("<w:body>", "<w:body>" + bodyXml).getBytes(UTF_8);
                }
                zip.write(content);
            }
        }
        return out.toByteArray();
    }
}
