package org.openhes.headend.api.cli;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.config.Settings;
import org.openhes.headend.scheduler.db.Database;
import org.openhes.headend.scheduler.db.DatabaseSettings;
import org.openhes.headend.scheduler.keys.KeyVault;
import org.openhes.headend.scheduler.keys.MasterKeyRing;
import org.openhes.headend.scheduler.meters.ImportReport;
import org.openhes.headend.scheduler.meters.MeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code headend meters import FILE}: bulk registration from the command line. */
@Command(name = "meters", description = "Meter registry.", subcommands = MetersCommand.Import.class)
final class MetersCommand {
    @Command(name = "import", description = "Import meters from a CSV file (header: " + MeterRegistry.CSV_HEADER + ").")
    static final class Import implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE")
        Path file;
        @Option(names = "--config", description = "Settings file; HEADEND_* variables override it.")
        Path config;

        @Override
        public Integer call() throws Exception {
            HeadendConfig cfg = HeadendConfig.from(Settings.load(Optional.ofNullable(config), System.getenv()));
            MasterKeyRing master = MasterKeyRing.from(cfg.masterKey(), cfg.masterKeyFile());
            try (Database db = Database.open(new DatabaseSettings(cfg.dbUrl(), cfg.dbUser(), cfg.dbPassword(),
                    cfg.dataDir().resolve("postgres"), 4, cfg.dbConnectTimeout())); Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                long t0 = System.nanoTime();
                var profiles = org.openhes.headend.protocol.model.MeterProfiles.load(cfg.profilesDir());
                ImportReport report = new MeterRegistry(db.dataSource(), new KeyVault(db.dataSource(), master),
                        name -> org.openhes.headend.api.node.HeadendNode.profileProblem(profiles, name)).importCsv(in);
                System.out.printf("%d meters imported in %.1f s, %d lines rejected%n", report.accepted(),
                        (System.nanoTime() - t0) / 1e9, report.rejected().size());
                for (ImportReport.Rejection r : report.rejected()) System.out.println("  line " + r.line() + ": " + r.reason());
                return report.rejected().isEmpty() ? 0 : 1;
            }
        }
    }
}
