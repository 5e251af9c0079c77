package org.openhes.headend.api.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openhes.headend.protocol.session.DlmsValues;
import org.openhes.headend.protocol.session.TypedValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code headend get | set | action}: generic access to any attribute or method of one meter, for field
 * engineers (an object the profile does not name, a value to check by hand).
 */
final class ObjectCommands {
    private ObjectCommands() {
    }

    /** Which object: class, OBIS code. */
    static final class Target {
        @Option(names = "--class", required = true, paramLabel = "ID", description = "Interface class, e.g. 3 (register), 70 (disconnect control).")
        int classId;

        @Option(names = "--obis", required = true, paramLabel = "A-B:C.D.E.F", description = "Logical name, e.g. 1-0:1.8.1.255.")
        String obis;

        void check() {
            if (!obis.matches("\\d{1,3}-\\d{1,3}:\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
                throw new OneMeter.BadOption("--obis must be an OBIS code such as 1-0:1.8.1.255 (was " + obis + ")");
            }
        }
    }

    /** A typed value: {@code --type uint32 --value 2300}; octet strings in hex, or as text with {@code visible-string}. */
    static final class Value {
        @Option(names = "--type", required = true, paramLabel = "TYPE",
                description = "DLMS type: boolean, int8, int16, int32, int64, uint8, uint16, uint32, uint64, enum, octet-string (hex), visible-string.")
        String type;

        @Option(names = "--value", required = true, paramLabel = "VALUE", description = "The value, in the notation of --type.")
        String value;

        TypedValue parsed() {
            try {
                return TypedValue.parse(type, value);
            } catch (IllegalArgumentException e) {
                throw new OneMeter.BadOption("--type/--value: " + e.getMessage());
            }
        }
    }

    private static void print(MeterOptions o, String what, Object value) throws Exception {
        if (OneMeter.json(o)) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("meter", o.meter);
            out.put("request", what);
            out.put("value", DlmsValues.printable(value));
            System.out.println(OneMeter.JSON.writeValueAsString(out));
        } else {
            System.out.println(what + " = " + DlmsValues.printable(value));
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Read any attribute of one meter (GET).")
    static final class Get implements Callable<Integer> {
        @Mixin
        MeterOptions meter;
        @Mixin
        Target target;
        @Option(names = "--attribute", required = true, paramLabel = "N", description = "Attribute index, e.g. 2 (value).")
        int attribute;

        @Override
        public Integer call() throws Exception {
            OneMeter.json(meter);
            target.check();
            Object v = OneMeter.run(meter, "get", s -> s.access().get(target.classId, target.obis, attribute));
            print(meter, "GET " + target.obis + "/" + attribute, v);
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Write any attribute of one meter (SET) with an explicit type.")
    static final class Set implements Callable<Integer> {
        @Mixin
        MeterOptions meter;
        @Mixin
        Target target;
        @Mixin
        Value value;
        @Option(names = "--attribute", required = true, paramLabel = "N", description = "Attribute index.")
        int attribute;

        @Override
        public Integer call() throws Exception {
            OneMeter.json(meter);
            target.check();
            TypedValue parsed = value.parsed();
            Object readBack = OneMeter.run(meter, "set", s -> s.access().set(target.classId, target.obis, attribute, parsed)
                    .thenCompose(v -> s.access().get(target.classId, target.obis, attribute)));
            print(meter, "SET " + target.obis + "/" + attribute + ", read back", readBack);
            return 0;
        }
    }

    @Command(name = "action", mixinStandardHelpOptions = true, description = "Invoke any method of one meter (ACTION) with a typed parameter.")
    static final class Action implements Callable<Integer> {
        @Mixin
        MeterOptions meter;
        @Mixin
        Target target;
        @Mixin
        Value value;
        @Option(names = "--method", required = true, paramLabel = "N", description = "Method index, e.g. 1 (remote_disconnect).")
        int method;

        @Override
        public Integer call() throws Exception {
            OneMeter.json(meter);
            target.check();
            TypedValue parsed = value.parsed();
            Object ret = OneMeter.run(meter, "action", s -> s.access().action(target.classId, target.obis, method, parsed));
            print(meter, "ACTION " + target.obis + "/" + method, ret);
            return 0;
        }
    }
}
