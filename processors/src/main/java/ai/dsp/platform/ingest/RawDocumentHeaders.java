package ai.dsp.platform.ingest;

/**
 * The headers that describe a message whose body is the document itself (a file's bytes) rather
 * than document JSON. Names are valid JMS property identifiers, so the same names work as JMS
 * properties, AMQP application properties, MQTT user properties and Kafka headers.
 */
public final class RawDocumentHeaders {

    /** The file's name; its presence is what makes a message a raw document. */
    public static final String FILENAME = "dsp_filename";
    /** The collection; {@code default} when absent. */
    public static final String COLLECTION = "dsp_collection";
    public static final String CONTENT_TYPE = "dsp_content_type";
    /** A JSON object; {@code allowed_groups} and {@code allowed_users} in it are the document's ACL. */
    public static final String METADATA = "dsp_metadata";
    /** A caller-given document id; without it the id derives from collection and filename. */
    public static final String DOCUMENT_ID = "dsp_document_id";

    private RawDocumentHeaders() {
    }
}
