package ai.dsp.platform.app.messaging.amqp;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The AMQP connection the {@code spring-rabbitmq:} endpoints find in the registry. It opens on
 * first use, so a platform without AMQP (the default) never connects. Spring Boot's own Rabbit
 * auto-configuration is excluded (application.yaml): its health check would report a broker that
 * is not configured as down.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AmqpProperties.class)
public class AmqpConfiguration {

    @Bean
    ConnectionFactory amqpConnectionFactory(AmqpProperties amqp) {
        CachingConnectionFactory connections = new CachingConnectionFactory(amqp.host(), amqp.port());
        connections.setVirtualHost(amqp.virtualHost());
        connections.setUsername(amqp.username());
        connections.setPassword(amqp.resolvedPassword() == null ? "" : amqp.resolvedPassword());
        // a message is acknowledged only once its dead letter (or event) is confirmed by the broker
        connections.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.SIMPLE);
        connections.setConnectionNameStrategy(factory -> "dsp-ai-platform");
        return connections;
    }
}
