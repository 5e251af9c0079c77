package org.openhes.headend.protocol.session;

import static org.openhes.headend.protocol.session.DlmsValues.ln;
import static org.openhes.headend.protocol.session.DlmsValues.obisText;

import gurux.dlms.GXDLMSClient;
import gurux.dlms.GXReplyData;
import gurux.dlms.enums.DataType;
import gurux.dlms.enums.ErrorCode;
import gurux.dlms.enums.ObjectType;
import gurux.dlms.objects.GXDLMSObject;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map.Entry;
import java.util.concurrent.CompletableFuture;
import org.openhes.headend.protocol.MeterFailureKind;

/**
 * GET, SET and ACTION of attributes and methods, by class, OBIS code and index: the building blocks of
 * the reads and commands, and what a field engineer uses directly. Several attributes go in one
 * GET-with-list when the meter negotiated it, else one GET each.
 */
public final class AttributeAccess {
    private final Association association;

    AttributeAccess(Association association) {
        this.association = association;
    }

    /** GET of any attribute; the value as the codec decodes it (numbers, byte arrays, lists). */
    public CompletableFuture<Object> get(int classId, String obis, int attribute) {
        return attributes(ObjectType.forValue(classId), obis, List.of(attribute)).thenApply(v -> v.get(0));
    }

    /** SET of any attribute with an explicit DLMS type. */
    public CompletableFuture<Void> set(int classId, String obis, int attribute, TypedValue value) {
        return association.exchange("SET " + obis + "/" + attribute,
                () -> association.codec().write(ln(obis), value.value, value.type, ObjectType.forValue(classId), attribute)).thenApply(r -> null);
    }

    /** ACTION of any method with a typed parameter; completes with the return data, if any. */
    public CompletableFuture<Object> action(int classId, String obis, int method, TypedValue parameter) {
        return association.exchange("ACTION " + obis + "/" + method,
                () -> association.codec().method(ln(obis), ObjectType.forValue(classId), method, parameter.value, parameter.type))
                .thenApply(GXReplyData::getValue);
    }

    /** Attributes of one object. */
    CompletableFuture<List<Object>> attributes(ObjectType type, String obis, List<Integer> attributes) {
        List<Entry<GXDLMSObject, Integer>> items = new ArrayList<>();
        GXDLMSObject o = object(type, obis);
        for (int a : attributes) items.add(new SimpleEntry<>(o, a));
        return items(items);
    }

    /** The same attribute of several objects. */
    CompletableFuture<List<Object>> sameAttribute(List<String> obis, ObjectType type, int attribute) {
        List<Entry<GXDLMSObject, Integer>> items = new ArrayList<>();
        for (String code : obis) items.add(new SimpleEntry<>(object(type, code), attribute));
        return items(items);
    }

    /** Several attributes; any refused one fails the whole read with its data-access-result. */
    CompletableFuture<List<Object>> items(List<Entry<GXDLMSObject, Integer>> items) {
        String step = "GET " + describe(items);
        if (items.size() > 1 && association.getWithList()) {
            return list(step, items).thenApply(values -> {
                for (Object v : values) {
                    if (v instanceof ErrorCode ec) throw association.failures().dataAccess(step, ec.getValue());
                }
                return values;
            });
        }
        List<Object> out = new ArrayList<>();
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (var item : items) {
            chain = chain.thenCompose(v -> read(item.getKey(), item.getValue())).thenAccept(out::add);
        }
        return chain.thenApply(v -> out);
    }

    /** One GET of one attribute. */
    CompletableFuture<Object> read(GXDLMSObject object, int attribute) {
        return association.exchange("GET " + obisText(object.getLogicalName()) + "/" + attribute,
                () -> association.codec().read(object, attribute)).thenApply(GXReplyData::getValue);
    }

    /** One GET-with-list; an attribute the meter refuses comes back as its {@link ErrorCode}. */
    CompletableFuture<List<Object>> list(String step, List<Entry<GXDLMSObject, Integer>> items) {
        return association.exchange(step, () -> association.codec().readList(items)).thenApply(reply -> {
            if (!(reply.getValue() instanceof List<?> values) || values.size() != items.size()) {
                throw association.failures().of(MeterFailureKind.MALFORMED_RESPONSE, step,
                        "expected " + items.size() + " values, got " + reply.getValue());
            }
            return new ArrayList<Object>(values);
        });
    }

    /** SET of an attribute of an object whose value and type are already set on it. */
    CompletableFuture<Void> write(GXDLMSObject object, int attribute) {
        return association.exchange("SET " + obisText(object.getLogicalName()) + "/" + attribute,
                () -> association.codec().write(object, attribute)).thenApply(r -> null);
    }

    /** ACTION of a method of an object with one parameter. */
    CompletableFuture<Object> invoke(GXDLMSObject object, int method, Object parameter, DataType type) {
        return association.exchange("ACTION " + obisText(object.getLogicalName()) + "/" + method,
                () -> association.codec().method(object, method, parameter, type)).thenApply(GXReplyData::getValue);
    }

    static GXDLMSObject object(ObjectType type, String obis) {
        GXDLMSObject o = GXDLMSClient.createObject(type);
        o.setLogicalName(ln(obis));
        return o;
    }

    static String describe(List<Entry<GXDLMSObject, Integer>> items) {
        StringBuilder sb = new StringBuilder();
        for (var it : items) {
            if (!sb.isEmpty()) sb.append(',');
            sb.append(obisText(it.getKey().getLogicalName())).append('/').append(it.getValue());
        }
        return sb.toString();
    }
}
