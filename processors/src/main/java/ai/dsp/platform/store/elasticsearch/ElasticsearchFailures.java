package ai.dsp.platform.store.elasticsearch;

import ai.dsp.platform.store.StoreUnavailableException;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.transport.TransportException;
import org.apache.camel.CamelExecutionException;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What a failed Elasticsearch call means to its caller, the same for the Java client and the
 * camel-elasticsearch component: an unreachable or overloaded cluster (429, 5xx, I/O) is
 * {@link StoreUnavailableException}, to retry later; any other refusal is a plain failure.
 */
public final class ElasticsearchFailures {

    private ElasticsearchFailures() {
    }

    /** One call of the Java client. */
    public interface Call<T> {
        T run() throws IOException;
    }

    public static <T> T call(Call<T> call) {
        try {
            return call.run();
        } catch (ElasticsearchException | IOException e) {
            throw translate(e);
        }
    }

    public static RuntimeException translate(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof ElasticsearchException es) {
            int status = es.status();
            if (status == 429 || status >= 500) {
                return new StoreUnavailableException("Elasticsearch answered " + status + ": " + es.getMessage(), es);
            }
            return new IllegalStateException("Elasticsearch refused the request: " + es.getMessage(), es);
        }
        if (cause instanceof IOException || cause instanceof TransportException) {
            return new StoreUnavailableException("Elasticsearch is unreachable: " + cause.getMessage(), cause);
        }
        return cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException
                || cause instanceof CamelExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
