# Meter profile: where a meter model keeps what the head-end uses (format: docs/meter-profiles.md).
# e-MUCS, the Belgian DSOs' companion specification (IDIS package 3 based). Its head-end-side object
# list is not public: these are the IDIS/DLMS UA codes, checked against meters with `headend inspect`.
name = emucs
description = e-MUCS (Belgian DSOs), IDIS package 3 based: the head-end's default

# The four energy index registers (class 3): import day, import night, export day, export night.
index.registers = 1-0:1.8.1.255, 1-0:1.8.2.255, 1-0:2.8.1.255, 1-0:2.8.2.255
# The profile generic capturing them at local midnight (class 7), read by range or by entry.
daily.profile = 1-0:99.2.0.255
daily.profile.access = range
# The 15-minute load profile (class 7): its capture objects (clock, status, A+, A-) are read from the meter.
load.profile = 1-0:99.1.0.255
clock = 0-0:1.0.0.255
disconnector = 0-0:96.3.10.255
limiter = 0-0:17.0.0.255
# The register the limiter monitors when its monitored_value (attribute 2) cannot be read.
limiter.monitored.value = 1-0:1.7.0.255
# The text the meter shows the customer (the daily balance).
message = 0-0:96.13.1.255
message.max.length = 64
gas.index = 0-1:24.2.1.255
# The gas valve: disconnect control (class 70) of M-Bus channel 1; remote reconnection only arms it.
gas.valve = 0-1:24.4.0.255
invocation.counter = 0-0:43.1.0.255
public.client.sap = 16
tariff = 0-0:96.14.0.255
association = 0-0:40.0.0.255
# The alarm push setup (class 40): SET_PUSH_SETUP points its destination at this head-end's push listener.
push.setup = 0-4:25.9.0.255
# The security setup (class 64) of the management association: global_key_transfer (method 2) renews its keys.
security.setup = 0-0:43.0.0.255
# The meter's logs (class 7), read in the daily session from the last stored entry on, and the alarm
# register (class 1), read there and cleared (written 0) once its bits are stored.
event.log.standard = 0-0:99.98.0.255
event.log.disconnector = 0-0:99.98.2.255
event.log.power.failure = 1-0:99.97.0.255
alarm.register = 0-0:97.98.0.255
alarm.register.clear = true
