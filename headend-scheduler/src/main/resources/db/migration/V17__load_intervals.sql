-- 15-minute load profile intervals (issue 17): one row per meter and interval end, partitioned by month
-- like daily_reads (partitions created on demand by IntervalStore). The indexes are in Wh; status holds the
-- meter's AMR profile status bits (0x80 power down, 0x20 clock adjusted, 0x04 data not valid).
CREATE TABLE load_intervals (
    meter_id     text NOT NULL,
    interval_end timestamptz NOT NULL,
    status       smallint NOT NULL,
    import_wh    numeric(20, 3),
    export_wh    numeric(20, 3),
    received_at  timestamptz NOT NULL,
    PRIMARY KEY (meter_id, interval_end)
) PARTITION BY RANGE (interval_end);
CREATE TABLE load_intervals_default PARTITION OF load_intervals DEFAULT;
