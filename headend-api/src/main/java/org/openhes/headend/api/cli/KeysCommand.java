package org.openhes.headend.api.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.config.Settings;
import org.openhes.headend.scheduler.db.Database;
import org.openhes.headend.scheduler.db.DatabaseSettings;
import org.openhes.headend.scheduler.keys.KeyVault;
import org.openhes.headend.scheduler.keys.MasterKeyRing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code headend keys status|rewrap}: the master keys at rest. {@code status} counts the stored meter
 * key records under each master key (ids only); {@code rewrap} re-encrypts those under an older key
 * with the current one, in batches, while the nodes run (see {@link MasterKeyRing} for the rotation).
 */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Master keys at rest: status, rewrap after a rotation.",
        subcommands = {KeysCommand.Status.class, KeysCommand.Rewrap.class})
final class KeysCommand {
    @Option(names = "--config", description = "Settings file; HEADEND_* variables override it.", scope = picocli.CommandLine.ScopeType.INHERIT)
    Path config;

    private static KeyVault vault(Database db, HeadendConfig cfg) {
        return new KeyVault(db.dataSource(), MasterKeyRing.from(cfg.masterKey(), cfg.masterKeyFile()));
    }

    private static Database open(HeadendConfig cfg) {
        return Database.open(new DatabaseSettings(cfg.dbUrl(), cfg.dbUser(), cfg.dbPassword(), cfg.dataDir().resolve("postgres"), 2,
                cfg.dbConnectTimeout()));
    }

    private static void print(KeyVault vault) {
        Map<String, Long> counts = vault.recordsByMasterKey();
        String current = vault.ring().current().id();
        System.out.println("master keys held (current first): " + String.join(", ", vault.ring().ids()));
        if (counts.isEmpty()) System.out.println("no meter key records stored");
        counts.forEach((id, n) -> System.out.printf("  %s: %d records%s%n", id, n,
                id.equals(current) ? " (current)" : vault.ring().ids().contains(id) ? " (to rewrap)" : " (NOT HELD by this node: add it after the current key)"));
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Meter key records under each master key.")
    static final class Status implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        KeysCommand parent;

        @Override
        public Integer call() {
            HeadendConfig cfg = HeadendConfig.from(Settings.load(Optional.ofNullable(parent.config), System.getenv()));
            try (Database db = open(cfg)) {
                KeyVault vault = vault(db, cfg);
                print(vault);
                String current = vault.ring().current().id();
                return vault.recordsByMasterKey().keySet().stream().allMatch(current::equals) ? 0 : 1;
            }
        }
    }

    @Command(name = "rewrap", mixinStandardHelpOptions = true,
            description = "Re-encrypt every meter key record under the current master key, in batches (online, resumable).")
    static final class Rewrap implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        KeysCommand parent;
        @Option(names = "--batch", defaultValue = "" + KeyVault.REWRAP_BATCH, description = "Records per transaction (default: ${DEFAULT-VALUE}).")
        int batch;

        @Override
        public Integer call() {
            if (batch < 1 || batch > 10_000) throw new IllegalArgumentException("--batch must be 1 to 10000 (was " + batch + ")");
            HeadendConfig cfg = HeadendConfig.from(Settings.load(Optional.ofNullable(parent.config), System.getenv()));
            try (Database db = open(cfg)) {
                KeyVault vault = vault(db, cfg);
                long t0 = System.nanoTime(), moved = 0;
                for (int n; (n = vault.rewrap(batch)) > 0; ) {
                    moved += n;
                    System.out.printf("%d records re-encrypted under %s (%.1f s)%n", moved, vault.ring().current().id(), (System.nanoTime() - t0) / 1e9);
                }
                System.out.printf("rewrap done: %d records in %.1f s%n", moved, (System.nanoTime() - t0) / 1e9);
                print(vault);
                return 0;
            }
        }
    }
}
