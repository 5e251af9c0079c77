package org.openhes.headend.protocol.session;

import static org.openhes.headend.protocol.session.DlmsValues.ln;
import static org.openhes.headend.protocol.session.DlmsValues.obisText;

import gurux.dlms.objects.GXDLMSAssociationLogicalName;
import gurux.dlms.objects.GXDLMSObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * What a meter says it has: the object list of the current association, with the access rights this
 * client holds. Used to onboard a meter type ({@code headend inspect}).
 */
public final class MeterInspection {
    private final Association association;
    private final AttributeAccess access;

    MeterInspection(Association association, AttributeAccess access) {
        this.association = association;
        this.access = access;
    }

    /** The object list (attribute 2 of the profile's association object, usually in several blocks). */
    public CompletableFuture<List<MeterObject>> objectList() {
        GXDLMSAssociationLogicalName assoc = new GXDLMSAssociationLogicalName(ln(association.target().profile().association()));
        return access.read(assoc, 2).thenApply(value -> {
            association.codec().updateValue(assoc, 2, value);
            List<MeterObject> out = new ArrayList<>();
            for (GXDLMSObject o : assoc.getObjectList()) {
                Map<Integer, String> attributes = new TreeMap<>(), methods = new TreeMap<>();
                for (int a = 1; a <= o.getAttributeCount(); a++) attributes.put(a, words(o.getAccess(a).name()));
                for (int m = 1; m <= o.getMethodCount(); m++) methods.put(m, words(o.getMethodAccess(m).name()));
                out.add(new MeterObject(o.getObjectType().getValue(), o.getVersion(), obisText(o.getLogicalName()), attributes, methods));
            }
            return out;
        });
    }

    private static String words(String name) {
        return name.toLowerCase(Locale.ROOT).replace("no_access", "none").replace('_', '-');
    }
}
