package ai.dsp.platform.app.messaging.jms;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.component.jms.JmsComponent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code jms:} component of the routes, on the platform's own Artemis connection factory.
 * The factory is not a Spring bean of its own: Spring Boot would then add a JMS template and a
 * health check that reports the platform down whenever the broker is (or JMS is not used at all).
 * Nothing connects before the route starts.
 */
@Configuration(proxyBeanMethods = false)
public class JmsConfiguration {

    @Bean("jms")
    JmsComponent jmsComponent(JmsProperties properties) {
        ActiveMQConnectionFactory connections = new ActiveMQConnectionFactory(properties.brokerUrl());
        if (properties.username() != null && !properties.username().isBlank()) {
            connections.setUser(properties.username());
            connections.setPassword(properties.password());
        }
        JmsComponent jms = JmsComponent.jmsComponent(connections);
        // the broker redelivers a message whose transaction was rolled back (platform failed
        // un-handled, instance crashed) and, after max-delivery-attempts, moves it to its dead-letter address
        jms.setTransacted(true);
        // a local JMS session transaction per message: Camel's default would wrap a JmsTransactionManager
        // around it, which disables consumer caching and opens a connection per message
        jms.setLazyCreateTransactionManager(false);
        return jms;
    }
}
