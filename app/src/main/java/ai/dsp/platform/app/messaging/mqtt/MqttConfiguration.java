package ai.dsp.platform.app.messaging.mqtt;

import org.apache.camel.component.paho.mqtt5.PahoMqtt5Component;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Configuration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code paho-mqtt5} component with the broker and its credentials; each endpoint copies
 * them. Its consumers resume their persistent session safely ({@link SessionResumingMqttComponent}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MqttProperties.class)
public class MqttConfiguration {

    /** Under the component's own name, so routes use it as {@code paho-mqtt5:}; endpoints connect only when their route starts. */
    @Bean("paho-mqtt5")
    PahoMqtt5Component pahoMqtt5Component(MqttProperties mqtt) {
        PahoMqtt5Configuration configuration = new PahoMqtt5Configuration();
        configuration.setBrokerUrl(mqtt.brokerUrl());
        configuration.setUserName(mqtt.username());
        configuration.setPassword(mqtt.resolvedPassword());
        PahoMqtt5Component component = new SessionResumingMqttComponent();
        component.setConfiguration(configuration);
        return component;
    }
}
