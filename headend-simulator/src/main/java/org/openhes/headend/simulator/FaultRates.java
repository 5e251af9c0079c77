package org.openhes.headend.simulator;

/**
 * Fractions (0..1) of connections that misbehave, decided per connection from the fleet seed.
 *
 * @param refuse             closed as soon as accepted
 * @param drop               closed after one to three requests
 * @param silent             stops answering after one to three requests (the socket stays open)
 * @param corrupt            one reply has a byte flipped
 * @param rejectAssociation  the association is refused (AARE not accepted)
 */
public record FaultRates(double refuse, double drop, double silent, double corrupt, double rejectAssociation) {
    public static final FaultRates NONE = new FaultRates(0, 0, 0, 0, 0);

    public FaultRates {
        check("refuse", refuse);
        check("drop", drop);
        check("silent", silent);
        check("corrupt", corrupt);
        check("rejectAssociation", rejectAssociation);
        double sum = refuse + drop + silent + corrupt + rejectAssociation;
        if (sum > 1.0) throw new IllegalArgumentException("fault rates add up to more than 1 (was " + sum + ")");
    }

    private static void check(String name, double v) {
        if (!(v >= 0 && v <= 1)) throw new IllegalArgumentException("faults." + name + " must be between 0 and 1 (was " + v + ")");
    }

    /** The same rate for every kind of fault, e.g. {@code uniform(0.01)} = 1 % of each. */
    public static FaultRates uniform(double each) {
        return new FaultRates(each, each, each, each, each);
    }

    /** Parses {@code refuse=0.01,drop=0.01,silent=0.01,corrupt=0.01,reject=0.01}. */
    public static FaultRates parse(String spec) {
        double refuse = 0, drop = 0, silent = 0, corrupt = 0, reject = 0;
        if (spec == null || spec.isBlank()) return NONE;
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) throw new IllegalArgumentException("faults must look like refuse=0.01,drop=0.01 (was " + spec + ")");
            double v;
            try {
                v = Double.parseDouble(kv[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("faults." + kv[0].trim() + " must be a number (was " + kv[1] + ")");
            }
            switch (kv[0].trim()) {
                case "refuse" -> refuse = v;
                case "drop" -> drop = v;
                case "silent" -> silent = v;
                case "corrupt" -> corrupt = v;
                case "reject", "rejectAssociation" -> reject = v;
                default -> throw new IllegalArgumentException("unknown fault " + kv[0].trim() + " (known: refuse, drop, silent, corrupt, reject)");
            }
        }
        return new FaultRates(refuse, drop, silent, corrupt, reject);
    }

    public boolean any() {
        return refuse + drop + silent + corrupt + rejectAssociation > 0;
    }
}
