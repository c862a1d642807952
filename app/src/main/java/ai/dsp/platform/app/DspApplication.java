package ai.dsp.platform.app;

import ai.dsp.platform.app.audit.AuditCommand;
import ai.dsp.platform.app.controltower.cli.ManifestCommand;
import ai.dsp.platform.app.eval.BenchCommand;
import ai.dsp.platform.app.eval.EvalCommand;
import ai.dsp.platform.app.eval.GatewayBenchCommand;
import ai.dsp.platform.app.eval.PolicyBenchCommand;
import ai.dsp.platform.app.eval.SecurityBenchCommand;
import ai.dsp.platform.app.eval.TokenBenchCommand;
import ai.dsp.platform.app.security.KeysCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import java.util.List;

// the manifest store makes its own pool and runs its own migrations, and only when PostgreSQL is chosen
@SpringBootApplication(scanBasePackages = "ai.dsp.platform", exclude = {DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class})
@ConfigurationPropertiesScan("ai.dsp.platform")
public class DspApplication {

    /**
     * Starts the platform, or runs one of its commands: {@code eval ...}, {@code bench ...},
     * {@code bench-policy ...}, {@code bench-tokens ...}, {@code bench-security ...},
     * {@code bench-gateway ...}, {@code audit verify FILE}, {@code keys rotate}, {@code manifest ...}.
     */
    public static void main(String[] args) {
        if (args.length > 0 && EvalCommand.NAME.equals(args[0])) {
            System.exit(EvalCommand.run(List.of(args).subList(1, args.length)));
        }
        if (args.length > 0 && BenchCommand.NAME.equals(args[0])) {
            System.exit(BenchCommand.run(List.of(args).subList(1, args.length)));
        }
        if (args.length > 0 && TokenBenchCommand.NAME.equals(args[0])) {
            System.exit(TokenBenchCommand.run(List.of(args).subList(1, args.length)));
        }
        if (args.length > 0 && PolicyBenchCommand.NAME.equals(args[0])) {
            System.exit(PolicyBenchCommand.run(List.of(args).subList(1, args.length)));
        }
        if (args.length > 0 && SecurityBenchCommand.NAME.equals(args[0])) {
            System.exit(SecurityBenchCommand.run(List.of(args).subList(1, args.length)));
        }
        if (args.length > 0 && GatewayBenchCommand.NAME.equals(args[0])) {
            System.exit(GatewayBenchCommand.run(List.of(args).subList(1, args.length)));
        }
        if (args.length > 0 && AuditCommand.NAME.equals(args[0])) {
            System.exit(AuditCommand.run(List.of(args).subList(1, args.length), System.out));
        }
        if (args.length > 0 && KeysCommand.NAME.equals(args[0])) {
            System.exit(KeysCommand.run(List.of(args).subList(1, args.length), System.out));
        }
        if (args.length > 0 && ManifestCommand.NAME.equals(args[0])) {
            System.exit(ManifestCommand.run(List.of(args).subList(1, args.length), System.out, System.err));
        }
        SpringApplication.run(DspApplication.class, args);
    }
}
