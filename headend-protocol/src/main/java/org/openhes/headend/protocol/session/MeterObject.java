package org.openhes.headend.protocol.session;

import java.util.Map;

/**
 * One entry of a meter's object list (the current association's attribute 2): what the meter has and
 * what this client may do with it.
 *
 * @param classId    interface class
 * @param version    class version
 * @param obis       logical name, {@code A-B:C.D.E.F}
 * @param attributes access per attribute index: {@code none}, {@code read}, {@code write}, {@code read-write}
 *                   (and {@code authenticated-...})
 * @param methods    access per method index: {@code none}, {@code access}, {@code authenticated-access}
 */
public record MeterObject(int classId, int version, String obis, Map<Integer, String> attributes, Map<Integer, String> methods) {
    public MeterObject {
        attributes = Map.copyOf(attributes);
        methods = Map.copyOf(methods);
    }

    public boolean mayRead(int attribute) {
        return attributes.getOrDefault(attribute, "none").contains("read");
    }

    public boolean mayWrite(int attribute) {
        return attributes.getOrDefault(attribute, "none").contains("write");
    }

    public boolean mayInvoke(int method) {
        return methods.getOrDefault(method, "none").contains("access");
    }
}
