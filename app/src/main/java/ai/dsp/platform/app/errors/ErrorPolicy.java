package ai.dsp.platform.app.errors;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.api.NotFoundException;
import ai.dsp.platform.app.messaging.KafkaDocuments;
import ai.dsp.platform.app.frontdoor.NotImplementedException;
import ai.dsp.platform.app.frontdoor.UpstreamException;
import ai.dsp.platform.app.security.ForbiddenException;
import ai.dsp.platform.auth.AuthenticationFailedException;
import ai.dsp.platform.auth.InvalidTokenException;
import ai.dsp.platform.auth.TooManyAttemptsException;
import ai.dsp.platform.auth.apikey.ClaimUnavailableException;
import ai.dsp.platform.auth.apikey.UnknownApiKeyException;
import ai.dsp.platform.controltower.manifest.InvalidManifestException;
import ai.dsp.platform.controltower.manifest.UnresolvedPlaceholdersException;
import ai.dsp.platform.controltower.store.VersionConflictException;
import ai.dsp.platform.controltower.policy.PolicyExistsException;
import ai.dsp.platform.controltower.policy.PolicyNotFoundException;
import ai.dsp.platform.document.DocumentRejectedException;
import ai.dsp.platform.ingest.IngestJob;
import ai.dsp.platform.metrics.PlatformMetrics;
import ai.dsp.platform.store.StoreUnavailableException;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.PredicateBuilder;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.springframework.stereotype.Component;

/**
 * The one error policy every route names with {@code routeConfigurationId: dsp-error-policy}.
 * Bad input is answered or recorded at once; other failures get bounded redelivery with
 * backoff first. A failed document is announced like an indexed one, and a failed Kafka record
 * goes to the dead-letter topic. An unavailable store pauses ingestion instead of failing it.
 */
@Component
public class ErrorPolicy extends RouteConfigurationBuilder {

    public static final String ID = "dsp-error-policy";
    /**
     * Exchange property a message-bus source route sets to the {@code direct:} endpoint that
     * dead-letters its message (with the error in its headers and acknowledges it): input that
     * cannot be ingested goes there instead of being acknowledged as if it had been.
     */
    public static final String DEAD_LETTER_ENDPOINT = "DspDeadLetterEndpoint";
    /** Exchange property the dead-letter step sets: a dead letter that cannot be written is redelivered, not acknowledged. */
    public static final String DEAD_LETTERING = "DspDeadLettering";
    /** Where a Kafka record goes that cannot be ingested (routes/ingest-kafka.camel.yaml). */
    static final String DEAD_LETTER = "direct:kafka-dead-letter";
    private static final String NOTIFY = "direct:notify";
    /** Redelivery while the store is unavailable: until it is back, backing off to 30 s between tries. */
    private static final String STORE_PAUSE = "dspStorePause";

    private final ErrorResponses responses;
    private final PlatformMetrics metrics;

    public ErrorPolicy(ErrorResponses responses, PlatformMetrics metrics) {
        this.responses = responses;
        this.metrics = metrics;
    }

    @Override
    public void configuration() {
        getContext().getRegistry().bind(STORE_PAUSE, new RedeliveryPolicy()
                .maximumRedeliveries(-1).redeliveryDelay(500).useExponentialBackOff().backOffMultiplier(2)
                .maximumRedeliveryDelay(30_000).allowRedeliveryWhileStopping(false)
                .retryAttemptedLogLevel(LoggingLevel.WARN));
        apply(routeConfiguration(ID));
        // REST DSL operations are inlined into their direct: routes and come out without a
        // configuration id; the id-less configuration is Camel's default for such routes
        apply(routeConfiguration());
    }

    private void apply(RouteConfigurationDefinition policy) {
        // a dead letter that cannot be written must not be committed past: the record is
        // redelivered from Kafka instead
        policy.onException(Exception.class).onWhen(PredicateBuilder.or(exchangeProperty(KafkaDocuments.DEAD_LETTERING).isNotNull(),
                        exchangeProperty(DEAD_LETTERING).isNotNull()))
                .maximumRedeliveries(3).redeliveryDelay(500).useExponentialBackOff()
                .handled(false);
        // the store is down or overloaded: ingestion pauses (with backoff) until it is back,
        // nothing is failed or committed; a shutdown stops the waiting and leaves the work
        // to the next start (Kafka redelivers, the drop folder still holds the file)
        policy.onException(StoreUnavailableException.class).onWhen(body().isInstanceOf(IngestJob.class))
                .redeliveryPolicyRef(STORE_PAUSE)
                .handled(false);
        policy.onException(StoreUnavailableException.class)
                .handled(true).logExhausted(false)
                .bean(responses, "unavailable");
        deadLetter(policy.onException(BadRequestException.class, JsonProcessingException.class, IllegalArgumentException.class)
                .handled(true).logExhausted(false)
                .bean(responses, "badRequest"));
        policy.onException(NotFoundException.class, UnknownApiKeyException.class, PolicyNotFoundException.class)
                .handled(true).logExhausted(false)
                .bean(responses, "notFound");
        policy.onException(InvalidManifestException.class)
                .handled(true).logExhausted(false)
                .bean(responses, "invalidManifest");
        policy.onException(UnresolvedPlaceholdersException.class)
                .handled(true).logExhausted(false)
                .bean(responses, "unresolved");
        policy.onException(VersionConflictException.class)
                .handled(true).logExhausted(false)
                .bean(responses, "versionConflict");
        policy.onException(PolicyExistsException.class)
                .handled(true).logExhausted(false)
                .bean(responses, "conflict");
        policy.onException(NotImplementedException.class)
                .handled(true).logExhausted(false)
                .bean(responses, "notImplemented");
        policy.onException(UpstreamException.class)
                .handled(true).logExhausted(false)
                .bean(responses, "upstreamFailed");
        policy.onException(ClaimUnavailableException.class)
                .handled(true).logExhausted(false)
                .bean(responses, "claimUnavailable");
        policy.onException(AuthenticationFailedException.class, InvalidTokenException.class)
                .handled(true).logExhausted(false)
                .bean(responses, "unauthorized");
        policy.onException(TooManyAttemptsException.class)
                .handled(true).logExhausted(false)
                .bean(responses, "tooManyAttempts");
        policy.onException(ForbiddenException.class)
                .handled(true).logExhausted(false)
                .bean(responses, "forbidden");
        failIngestion(policy.onException(DocumentRejectedException.class)
                .handled(true).logExhausted(false)
                .bean(responses, "rejected"));
        failIngestion(policy.onException(Exception.class)
                .maximumRedeliveries(2).redeliveryDelay(200).useExponentialBackOff().backOffMultiplier(2)
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .handled(true).logExhausted(false)
                .bean(responses, "unexpected"));
    }

    /** A failed document is announced like an indexed one; its Kafka record or bus message becomes a dead letter. */
    private void failIngestion(OnExceptionDefinition clause) {
        // each step is added to the clause itself: a fluent end() after wireTap would close the
        // wire tap, not the filter, and nest what follows inside it
        clause.filter(body().isInstanceOf(IngestJob.class)).wireTap(NOTIFY);
        deadLetter(clause);
    }

    /** Counted once written: a dead letter that cannot be written fails the exchange before the count. */
    private void deadLetter(OnExceptionDefinition clause) {
        clause.filter(exchangeProperty(KafkaDocuments.RECORD).isNotNull()).to(DEAD_LETTER)
                .process(this::countDeadLetter);
        clause.filter(exchangeProperty(DEAD_LETTER_ENDPOINT).isNotNull()).toD("${exchangeProperty." + DEAD_LETTER_ENDPOINT + "}")
                .process(this::countDeadLetter);
    }

    private void countDeadLetter(Exchange exchange) {
        metrics.deadLetter(exchange.getFromRouteId());
    }
}
