package org.openhes.headend.api.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every answer the contract client checked, by operation and status: kept per test JVM and written to
 * {@code target/contract-ledger/<pid>.tsv} when it exits, so a run can tell which operations and statuses
 * the suite proved (see docs/api-contract.md).
 */
public final class ContractLedger {
    private static final Map<String, LongAdder> CHECKED = new ConcurrentHashMap<>();
    private static final Map<String, LongAdder> REFUSED = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ContractLedger::write, "contract-ledger"));
    }

    private ContractLedger() {
    }

    static void record(String operationId, int status, boolean kept) {
        String key = operationId + "\t" + status;
        CHECKED.computeIfAbsent(key, k -> new LongAdder()).increment();
        if (!kept) REFUSED.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    /** Answers checked so far in this JVM, "operationId\tstatus" to count. */
    public static Map<String, Long> checked() {
        Map<String, Long> out = new TreeMap<>();
        CHECKED.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    private static void write() {
        if (CHECKED.isEmpty()) return;
        StringBuilder tsv = new StringBuilder("operation\tstatus\tanswers\trefused\n");
        checked().forEach((k, n) -> tsv.append(k).append('\t').append(n).append('\t')
                .append(REFUSED.getOrDefault(k, new LongAdder()).sum()).append('\n'));
        try {
            Path dir = Path.of("target", "contract-ledger");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(ProcessHandle.current().pid() + ".tsv"), tsv);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
