-- pgbench script: one reading per transaction, every transaction a distinct
-- (input, ts): the n-th insert writes input n mod 100 at second
-- :base + n / 100 (like bench/wrk/single_reading.lua). ON CONFLICT replaces,
-- as a datacooee upload or an InfluxDB write of the same point does.
INSERT INTO readings (input_id, ts, value)
SELECT 'sen' || lpad((n % 100)::text, 4, '0'), to_timestamp(:base + n / 100), (n % 1000) / 10.0
FROM (SELECT nextval('w1_seq') AS n) AS s
ON CONFLICT (input_id, ts) DO UPDATE SET value = excluded.value;
