package org.openhes.headend.api.cli;

import picocli.CommandLine;

/**
 * The footer of the commands that run on the settings ({@code serve}, {@code migrate},
 * {@code meters import}): their behaviour is set by settings rather than flags, so their help says how
 * settings are given and the few an operator reaches for first, with their defaults.
 */
final class SettingsHelp {
    static final String[] FOOTER = {
        "",
        "Settings: a properties file (--config) and HEADEND_* environment variables,",
        "which win (db.url = HEADEND_DB_URL). The ones to know first:",
        "  db.url, db.user, db.password  PostgreSQL (default: none, an embedded server",
        "                                keeps its data in data.dir/postgres)",
        "  data.dir                      (default: headend-data)",
        "  db.connect.timeout            wait for a pooled connection (default: 5s)",
        "  db.health.interval            database check; readiness answers from it",
        "                                (default: 1s)",
        "  http.host, http.port          (default: 0.0.0.0, 8080)",
        "Every setting and its default: README.md, section Configuration.",
    };

    private SettingsHelp() {
    }

    static void addTo(CommandLine command) {
        command.getCommandSpec().usageMessage().footer(FOOTER);
    }
}
