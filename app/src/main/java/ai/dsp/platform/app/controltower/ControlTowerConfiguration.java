package ai.dsp.platform.app.controltower;

import ai.dsp.platform.app.security.ControlTowerClients;
import ai.dsp.platform.controltower.manifest.ManifestJson;
import ai.dsp.platform.controltower.manifest.ManifestService;
import ai.dsp.platform.controltower.manifest.ManifestValidator;
import ai.dsp.platform.controltower.manifest.ModuleSchemas;
import ai.dsp.platform.controltower.manifest.ModuleTypes;
import ai.dsp.platform.controltower.manifest.Placeholders;
import ai.dsp.platform.controltower.policy.PolicyService;
import ai.dsp.platform.controltower.store.FileManifestStore;
import ai.dsp.platform.controltower.store.JdbcManifestStore;
import ai.dsp.platform.controltower.store.ManifestStore;
import ai.dsp.platform.controltower.store.ManifestStoreProperties;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

/**
 * The Control Tower's beans: the manifest store the settings choose (files by default,
 * PostgreSQL with {@code dsp.control-tower.store.type=postgres}), the validator, the service the
 * API and the Front Door use, and the seed's superuser and client secrets.
 */
@Configuration(proxyBeanMethods = false)
public class ControlTowerConfiguration {

    @Bean
    ModuleSchemas moduleSchemas() {
        return new ModuleSchemas();
    }

    @Bean
    ModuleTypes moduleTypes(ModuleSchemas schemas) {
        return new ModuleTypes(schemas);
    }

    @Bean
    ManifestValidator manifestValidator(ModuleSchemas schemas, ControlTowerProperties properties) {
        return new ManifestValidator(schemas, properties.dependencyChecks());
    }

    @Bean
    ManifestJson manifestJson(ControlTowerProperties properties) {
        return new ManifestJson(new ManifestJson.Limits(Math.toIntExact(properties.maxManifestSize().toBytes()), properties.maxDepth()));
    }

    /** The PostgreSQL store's pool; closed after the store (which depends on it). */
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "dsp.control-tower.store.type", havingValue = "postgres")
    HikariDataSource manifestDataSource(ManifestStoreProperties properties) {
        ManifestStoreProperties.Postgres settings = properties.postgres();
        HikariConfig config = new HikariConfig();
        config.setPoolName("dsp-manifests");
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.username());
        config.setPassword(settings.resolvedPassword());
        config.setMaximumPoolSize(settings.poolSize());
        return new HikariDataSource(config);
    }

    /** Closed with the context: the file store's watcher, or the PostgreSQL listener. */
    @Bean(destroyMethod = "close")
    ManifestStore manifestStore(ManifestStoreProperties properties, ObjectProvider<HikariDataSource> manifestDataSource,
                                ManifestValidator validator, ManifestAnnouncer announcer) {
        if (properties.type() == ManifestStoreProperties.Type.POSTGRES) {
            return new JdbcManifestStore(manifestDataSource.getObject());
        }
        return new FileManifestStore(properties.manifestsDir(), properties.historyDir(), properties.pollInterval(),
                document -> validator.validate(document).errors().stream().map(error -> error.path() + ": " + error.message()).toList(),
                // the store logs the problem; the event tells the listeners
                announcer::invalidFile);
    }

    @Bean
    ManifestService manifestService(ManifestStore store, ManifestValidator validator, ManifestAnnouncer announcer) {
        return new ManifestService(store, validator::validate, new Placeholders(System::getenv), Clock.systemUTC(), announcer);
    }

    @Bean
    ControlTowerClients controlTowerClients(ControlTowerProperties properties, PolicyService policies) {
        return new ControlTowerClients(properties.superuserSecretHash(), properties.superuserSalt(), policies::verifyClient);
    }
}
