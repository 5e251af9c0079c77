package org.openhes.headend.api.cli;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openhes.headend.protocol.model.CommandResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code headend command}: one remote command on one meter, with the state read back. */
@Command(name = "command", description = "Send a remote command to one meter: disconnect, reconnect, limit --watts W, unlimit, display-balance --amount A, gas-disconnect, gas-reconnect.")
final class MeterCommandCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "COMMAND", description = "disconnect | reconnect | limit | unlimit | display-balance | gas-disconnect | gas-reconnect")
    String command;

    @Option(names = "--watts", description = "Power limit in W (with limit).")
    Long watts;

    @Option(names = "--amount", description = "Balance to display (with display-balance), e.g. 12.34.")
    BigDecimal amount;

    @Option(names = "--currency", defaultValue = "EUR", description = "Currency of the balance (default: ${DEFAULT-VALUE}).")
    String currency;

    @Mixin
    MeterOptions meter;

    @Override
    public Integer call() throws Exception {
        boolean json = OneMeter.json(meter);
        CommandResult result = switch (command) {
            case "disconnect" -> OneMeter.run(meter, "disconnect", s -> s.commands().disconnect());
            case "reconnect" -> OneMeter.run(meter, "reconnect", s -> s.commands().reconnect());
            case "gas-disconnect" -> OneMeter.run(meter, "gas-disconnect", s -> s.commands().closeGasValve());
            case "gas-reconnect" -> OneMeter.run(meter, "gas-reconnect", s -> s.commands().armGasValve());
            case "limit" -> {
                if (watts == null) throw new OneMeter.BadOption("limit needs --watts W");
                yield OneMeter.run(meter, "set-power-limit", s -> s.commands().setPowerLimit(watts));
            }
            case "unlimit" -> OneMeter.run(meter, "clear-power-limit", s -> s.commands().clearPowerLimit());
            case "display-balance" -> {
                if (amount == null) throw new OneMeter.BadOption("display-balance needs --amount A");
                yield OneMeter.run(meter, "display-balance", s -> s.commands().displayBalance(amount, currency));
            }
            default -> throw new OneMeter.BadOption("unknown command " + command
                    + " (known: disconnect, reconnect, limit, unlimit, display-balance, gas-disconnect, gas-reconnect)");
        };
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("command", command);
            out.put("outcome", result.outcome().name());
            out.put("state", new java.util.TreeMap<>(result.state()));
            System.out.println(OneMeter.JSON.writeValueAsString(out));
        } else {
            System.out.println(command + ": " + result.outcome() + " " + new java.util.TreeMap<>(result.state()));
        }
        return result.outcome() == org.openhes.headend.protocol.model.CommandOutcome.NOT_APPLIED ? 4 : 0;
    }
}
