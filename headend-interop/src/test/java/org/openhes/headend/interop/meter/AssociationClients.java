package org.openhes.headend.interop.meter;

import java.util.OptionalInt;
import org.openmuc.jdlms.ServerConnectionInfo;
import org.openmuc.jdlms.ServerConnectionListener;

/**
 * Which client SAP the current request comes from. jDLMS checks access only per attribute, not per
 * client, and does not hand the client to COSEM objects; but it serves each association on one
 * thread and tells this listener on that very thread when the association opens and closes, so a
 * thread-local is enough. If that ever changes, {@link #current()} is empty and every access is
 * refused: tests fail loudly instead of passing with wrong rights.
 */
final class AssociationClients implements ServerConnectionListener {
    private final ThreadLocal<Integer> current = new ThreadLocal<>();

    @Override
    public void connectionChanged(ServerConnectionInfo info) {
        if (info.getConnectionStatus() == ServerConnectionInfo.Status.OPEN) {
            current.set(info.getClientId());
        } else {
            current.remove();
        }
    }

    OptionalInt current() {
        Integer sap = current.get();
        return sap == null ? OptionalInt.empty() : OptionalInt.of(sap);
    }
}
