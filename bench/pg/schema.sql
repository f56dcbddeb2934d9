-- The readings table every PostgreSQL workload uses: one row per reading,
-- the primary key (input_id, ts) is the index the window and aggregate
-- queries use (and counts in bytes on disk).
CREATE TABLE readings (
  input_id text NOT NULL,
  ts timestamptz NOT NULL,
  value double precision NOT NULL,
  PRIMARY KEY (input_id, ts)
);
-- Gives each single-row insert of W1 a distinct (input, ts).
CREATE SEQUENCE w1_seq;
