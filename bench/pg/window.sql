-- pgbench script: a random 1-hour window of a random input, newest first,
-- limit 1000 (like bench/wrk/random_window.lua). Variables from -D:
-- inputs (count), start (epoch second of the first reading), span (seconds).
\set i random(0, :inputs - 1)
\set lo :start + random(0, :span - 3600)
\set hi :lo + 3600
SELECT ts, value FROM readings
WHERE input_id = 'sen' || lpad(CAST(:i AS text), 4, '0')
  AND ts >= to_timestamp(:lo) AND ts < to_timestamp(:hi)
ORDER BY ts DESC
LIMIT 1000;
