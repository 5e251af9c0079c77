-- Pushes name their sender by system title.
CREATE INDEX meters_system_title ON meters (system_title);
