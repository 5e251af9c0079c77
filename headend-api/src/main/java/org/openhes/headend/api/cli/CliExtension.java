package org.openhes.headend.api.cli;

/**
 * A subcommand that lives outside the product's CLI package (the benchmarks of {@code headend-bench}):
 * a picocli {@code @Command} class found with {@link java.util.ServiceLoader} when its jar is on the
 * class path, and added to {@code headend} beside the built-in commands. The container image ships
 * without any, so its {@code headend} has only the commands a user runs.
 */
public interface CliExtension {
}
