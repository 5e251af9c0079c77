package org.openhes.headend.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code versus-plain}: {@code plain-client} then {@code latency} with the same parameters, one after
 * the other in this run, and the head-end's steady rate as a ratio of the plain client's: the goal is
 * at least the same rate while storing every read durably. Both sets of figures are printed in full.
 */
final class VersusPlainClient implements Scenario {
    @Override
    public void run(BenchParameters p, Map<String, Object> out) throws Exception {
        Map<String, Object> plain = new LinkedHashMap<>();
        new PlainClient().run(p, plain);
        Map<String, Object> headend = new LinkedHashMap<>();
        new Latency().run(p, headend);
        double plainRate = ((Number) plain.get("sessionsPerSecond")).doubleValue();
        double headendRate = ((Number) headend.get("sessionsPerSecond")).doubleValue();
        out.put("sessionsPerSecond", headendRate);
        out.put("ratio", plainRate > 0 ? Stats.round3(headendRate / plainRate) : 0.0); // head-end ÷ plain client
        out.put("plainSessionsPerSecond", plainRate);
        out.put("cpuRatio", Stats.round3(((Number) headend.getOrDefault("cpuMicrosPerSession", 0)).doubleValue()
                / Math.max(1, ((Number) plain.get("cpuMicrosPerSession")).doubleValue()))); // head-end JVM CPU ÷ plain client's
        out.put("lost", headend.get("lost"));
        out.put("plainLost", plain.get("lost"));
        out.put("plain", plain);
        out.put("headend", headend);
    }
}
