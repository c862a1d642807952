package ai.dsp.platform.app.errors;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.api.NotFoundException;
import ai.dsp.platform.document.DocumentRejectedException;
import ai.dsp.platform.ingest.IngestJob;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.springframework.stereotype.Component;

/**
 * The one error policy every route names with {@code routeConfigurationId: dsp-error-policy}.
 * Bad input is answered or recorded at once; other failures get bounded redelivery with
 * backoff first. A failed document is announced like an indexed one.
 */
@Component
public class ErrorPolicy extends RouteConfigurationBuilder {

    public static final String ID = "dsp-error-policy";

    private final ErrorResponses responses;

    public ErrorPolicy(ErrorResponses responses) {
        this.responses = responses;
    }

    @Override
    public void configuration() {
        apply(routeConfiguration(ID));
        // REST DSL operations are inlined into their direct: routes and come out without a
        // configuration id; the id-less configuration is Camel's default for such routes
        apply(routeConfiguration());
    }

    private void apply(RouteConfigurationDefinition policy) {
        policy
                .onException(BadRequestException.class, JsonProcessingException.class, IllegalArgumentException.class)
                    .handled(true).logExhausted(false)
                    .bean(responses, "badRequest")
                .end()
                .onException(NotFoundException.class)
                    .handled(true).logExhausted(false)
                    .bean(responses, "notFound")
                .end()
                .onException(DocumentRejectedException.class)
                    .handled(true).logExhausted(false)
                    .bean(responses, "rejected")
                    .filter(body().isInstanceOf(IngestJob.class))
                        .wireTap("direct:notify")
                    .end()
                .end()
                .onException(Exception.class)
                    .maximumRedeliveries(2).redeliveryDelay(200).useExponentialBackOff().backOffMultiplier(2)
                    .retryAttemptedLogLevel(LoggingLevel.WARN)
                    .handled(true).logExhausted(false)
                    .bean(responses, "unexpected")
                    .filter(body().isInstanceOf(IngestJob.class))
                        .wireTap("direct:notify")
                    .end()
                .end();
    }
}
