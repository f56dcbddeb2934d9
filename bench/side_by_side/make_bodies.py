"""Pre-generates the bulk bodies of W2 (and of the big W4 input) for every
system, once, so that generating them is never part of a measurement.

For each format and each of the 4 connections one file:
  datacooee.N / datacooee_big.N   records of "LENGTH COUNT PATH\\n" + a JSON:API
                                  batch body (an array of 5,000 SensorData)
  influx.N / influx_big.N         the same records holding 5,000 lines of line
                                  protocol (measurement r, tag input, field
                                  value, seconds)
  pg.N / pg_big.N                 a psql script: one COPY … FROM STDIN of
                                  5,000 rows per batch (one transaction each)

usage: python3 -m side_by_side.make_bodies DIR PER_INPUT BIG
"""
import json
import multiprocessing
import os
import sys

from side_by_side import dataset as ds

INFLUX_PATH = "/write?db=bench&precision=s"


def _record(path, count, body):
    return b"%d %d %s\n" % (len(body), count, path.encode()) + body


def _datacooee(index, first, count, values):
    # Each element is '{"type":"SensorData","attributes":{"value":V,"timestamp":"T"}}'.
    head = '{"type":"SensorData","attributes":{"value":'
    ts = ds.times(first, count, "T", "Z")
    items = [v + ',"timestamp":"' + t + '"}}' for v, t in zip(values, ts)]
    body = ('{"data":[' + head + ("," + head).join(items) + "]}").encode()
    return _record(f"/api/external/v1/inputs/{ds.input_id(index)}/inputdata/", count, body)


def _influx(index, first, count, values):
    prefix = f"r,input={ds.input_id(index)} value="
    second = ds.START + first
    lines = [v + " " + str(second + k) + "\n" for k, v in enumerate(values)]
    return _record(INFLUX_PATH, count, (prefix + prefix.join(lines)).encode())


def _pg(index, first, count, values):
    prefix = ds.input_id(index) + "\t"
    ts = ds.times(first, count, " ", "+00\t")
    rows = [t + v + "\n" for t, v in zip(ts, values)]
    return ("COPY readings (input_id, ts, value) FROM STDIN;\n" + prefix + prefix.join(rows)
            + "\\.\n").encode()


FORMATS = {"datacooee": _datacooee, "influx": _influx, "pg": _pg}


def _write(args):
    directory, fmt, per_input, big = args
    encode = FORMATS[fmt]
    for suffix, batches in (("", ds.batches(per_input)), ("_big", ds.big_batches(big))):
        walks = {}
        files = [open(os.path.join(directory, f"{fmt}{suffix}.{c}"), "wb")
                 for c in range(ds.CONNECTIONS)]
        for b, (index, first, count) in enumerate(batches):
            walk = walks.setdefault(index, ds.ValueWalk(index))
            files[b % ds.CONNECTIONS].write(encode(index, first, count, walk.next_chunk(count)))
        for f in files:
            f.close()


def make(directory, per_input, big):
    """Writes the files unless DIR already holds them for these sizes."""
    manifest = os.path.join(directory, "manifest.json")
    wanted = {"per_input": per_input, "big": big, "inputs": ds.INPUTS, "batch": ds.BATCH,
              "connections": ds.CONNECTIONS, "version": 1}
    try:
        with open(manifest) as f:
            if json.load(f) == wanted:
                return False
    except (OSError, ValueError):
        pass
    os.makedirs(directory, exist_ok=True)
    with multiprocessing.Pool(len(FORMATS)) as pool:
        pool.map(_write, [(directory, fmt, per_input, big) for fmt in FORMATS])
    with open(manifest, "w") as f:
        json.dump(wanted, f)
    return True


if __name__ == "__main__":
    make(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
