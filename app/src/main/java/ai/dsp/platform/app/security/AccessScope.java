package ai.dsp.platform.app.security;

import ai.dsp.platform.api.BadRequestException;
import ai.dsp.platform.auth.AuthProperties;
import ai.dsp.platform.retrieve.FilterParser;
import ai.dsp.platform.store.MetadataFilter;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a caller may see of the documents, as store filters: their ACL ({@code sub} against
 * {@code allowed_users}, {@code groups} against {@code allowed_groups}, documents without an ACL
 * per {@code dsp.auth.documents-without-acl}) and the seed's {@code metadata_filter} claim. The
 * retrieval ANDs them with the request's own filters inside the store query.
 */
@Component("accessScope")
public class AccessScope {

    /** Exchange property: the caller's scope, set by {@code HttpEntry} on every HTTP exchange. */
    public static final String PROPERTY = "DspScope";
    static final String METADATA_FILTER_CLAIM = "metadata_filter";
    private static final Logger LOG = LoggerFactory.getLogger(AccessScope.class);

    private final AuthProperties properties;

    public AccessScope(AuthProperties properties) {
        this.properties = properties;
    }

    public void capture(Exchange exchange) {
        exchange.setProperty(PROPERTY, of(Caller.of(exchange).orElse(null)));
    }

    List<MetadataFilter> of(Caller caller) {
        if (!properties.enabled()) {
            return List.of();
        }
        if (caller == null) {
            // an anonymous call that reached a retrieval sees nothing
            return List.of(new MetadataFilter.Access(null, List.of(), false));
        }
        List<MetadataFilter> scope = new ArrayList<>();
        scope.add(new MetadataFilter.Access(caller.subject(), caller.groups(), properties.unrestrictedDocumentsVisible()));
        Object claimed = caller.claims().get(METADATA_FILTER_CLAIM);
        if (claimed instanceof Map<?, ?> filter) {
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> typed = (Map<String, Object>) filter;
                scope.addAll(FilterParser.parse(typed));
            } catch (BadRequestException e) {
                // the token was issued with a filter the store cannot apply: deny rather than widen
                LOG.warn("the metadata_filter claim of {} cannot be applied ({}): nothing is visible", caller.subject(), e.getMessage());
                return List.of(new MetadataFilter.Access(null, List.of(), false));
            }
        }
        return List.copyOf(scope);
    }
}
