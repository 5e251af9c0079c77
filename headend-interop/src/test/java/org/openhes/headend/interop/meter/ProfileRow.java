package org.openhes.headend.interop.meter;

import org.openmuc.jdlms.datatypes.DataObject;

/** One row of a profile buffer: column 0 is its clock (compared as an instant), the others as their values. */
interface ProfileRow {
    Comparable<?> key(int column);

    DataObject cell(int column);
}
