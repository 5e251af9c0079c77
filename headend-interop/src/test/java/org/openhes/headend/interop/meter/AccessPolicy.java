package org.openhes.headend.interop.meter;

import java.util.Set;
import org.openmuc.jdlms.AccessResultCode;
import org.openmuc.jdlms.CosemResourceDescriptor;
import org.openmuc.jdlms.DlmsAccessException;
import org.openmuc.jdlms.DlmsInterceptor;
import org.openmuc.jdlms.DlmsInvocationContext;
import org.openmuc.jdlms.IllegalAttributeAccessException;
import org.openmuc.jdlms.IllegalMethodAccessException;
import org.openmuc.jdlms.MethodResultCode;
import org.openmuc.jdlms.ObisCode;
import org.openmuc.jdlms.datatypes.DataObject;

/**
 * Access rights per client, checked in front of every attribute and method of this meter's objects:
 * the management client may do anything, the reader may read anything, the public client may read
 * only the invocation counter and the clock (the logical device name is jDLMS's own object, open to
 * all). A refusal is read-write-denied, as IDIS meters answer.
 */
final class AccessPolicy implements DlmsInterceptor {
    static final Set<ObisCode> PUBLIC_READABLE = Set.of(CosemObjects.INVOCATION_COUNTER, CosemObjects.CLOCK);

    private final AssociationClients clients;

    AccessPolicy(AssociationClients clients) {
        this.clients = clients;
    }

    @Override
    public DataObject intercept(DlmsInvocationContext ctx) throws DlmsAccessException {
        int client = clients.current().orElse(-1);
        switch (ctx.getXDlmsServiceType()) {
            case GET -> {
                if (!mayRead(client, ctx.getCosemResourceDescriptor())) {
                    throw new IllegalAttributeAccessException(AccessResultCode.READ_WRITE_DENIED);
                }
            }
            case SET -> {
                if (client != ClientSaps.MANAGEMENT) {
                    throw new IllegalAttributeAccessException(AccessResultCode.READ_WRITE_DENIED);
                }
            }
            case ACTION -> {
                if (client != ClientSaps.MANAGEMENT) {
                    throw new IllegalMethodAccessException(MethodResultCode.READ_WRITE_DENIED);
                }
            }
        }
        return ctx.proceed();
    }

    private static boolean mayRead(int client, CosemResourceDescriptor target) {
        return switch (client) {
            case ClientSaps.MANAGEMENT, ClientSaps.READER -> true;
            case ClientSaps.PUBLIC -> PUBLIC_READABLE.contains(target.getInstanceId());
            default -> false;
        };
    }
}
