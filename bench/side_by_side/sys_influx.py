"""InfluxDB 1.6 (Debian's influxdb package), started by hand with its own
configuration in a temporary directory, bound to 127.0.0.1; never the
package's service.

Acknowledgement: with [data] wal-fsync-delay = "0s" a /write answers 204
only after the points were appended to the shard's WAL segment and that
segment was fsynced (tsm1 WAL.writeToLog waits for the scheduled sync;
concurrent writes may share one fsync). The points are then in the in-memory
cache and the WAL; TSM files are written later.

Schema: measurement r, tag input (sen0000…), float field value, database
bench with the default (infinite) retention policy. Index: the default inmem.
"""
import http.client
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.parse

from side_by_side import bulk_sender, common, procstat, wrk_runner

CONFIG = """\
reporting-enabled = false
bind-address = "127.0.0.1:{rpc_port}"

[meta]
  dir = "{dir}/meta"

[data]
  dir = "{dir}/data"
  wal-dir = "{dir}/wal"
  # Durable acknowledgements: every write's WAL append is fsynced before the
  # 204 (this is also the default, set here so that it is explicit).
  wal-fsync-delay = "0s"
  query-log-enabled = false
  # Reach the steady on-disk state (cache snapshotted to TSM, shards fully
  # compacted) within the run instead of after 10 minutes / 4 hours, so that
  # bytes on disk and the queries see the compacted data.
  cache-snapshot-write-cold-duration = "5s"
  compact-full-write-cold-duration = "10s"

[monitor]
  store-enabled = false

[http]
  bind-address = "127.0.0.1:{port}"
  log-enabled = false

[ifql]
  enabled = false

[continuous_queries]
  enabled = false

[logging]
  level = "warn"
"""


class Influx:
    name = "InfluxDB"

    def __init__(self, work, data_dir):
        self.dir = os.path.join(work, "influx")
        self.work = work
        self.data_dir = data_dir
        self.proc = None

    @property
    def pid(self):
        return self.proc.pid

    def start(self, fresh=True):
        if fresh and os.path.exists(self.dir):
            shutil.rmtree(self.dir)
        os.makedirs(self.dir, exist_ok=True)
        self.port = common.free_port()
        conf = os.path.join(self.dir, "influxdb.conf")
        with open(conf, "w") as f:
            f.write(CONFIG.format(dir=self.dir, port=self.port, rpc_port=common.free_port()))
        self.proc = subprocess.Popen(["influxd", "run", "-config", conf],
                                     stdout=open(os.path.join(self.dir, "stdout"), "a"),
                                     stderr=open(os.path.join(self.dir, "stderr"), "a"))
        common.remember_pid(self.work, self.proc.pid)
        common.wait_http(self.port, "/ping", (204,), alive=lambda: self.proc.poll() is None)
        self.query("CREATE DATABASE bench", method="POST")

    def stop(self):
        common.stop_process(self.proc, signal.SIGTERM)

    def fresh(self):
        self.stop()
        self.start(fresh=True)

    def query(self, q, method="GET"):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        conn.request(method, "/query?db=bench&q=" + urllib.parse.quote(q))
        response = conn.getresponse()
        body = response.read()
        if response.status != 200 or b'"error"' in body:
            raise RuntimeError(f"influx {q!r}: HTTP {response.status} {body[:300]!r}")
        return json.loads(body)

    def w1(self, env, seconds):
        return wrk_runner.run("influx_write_single.lua", self.port, {**env, "DB": "bench"},
                              64, 2, seconds)

    def bulk(self, part):
        files = [os.path.join(self.data_dir, f"influx{part}.{c}") for c in range(4)]
        return bulk_sender.send(self.port, 204, files, {"Content-Type": "text/plain"})

    def _wal_bytes(self):
        return common.dir_bytes(os.path.join(self.dir, "wal"))

    def settle(self):
        """Waits until the cache was written to TSM files (WAL nearly empty)
        and compactions have stopped: influxd idle for 15 s, longer than the
        10 s after which a cold shard gets its full compaction."""
        return procstat.wait_idle(self.pid, quiet_for=15.0, limit=600.0,
                                  also=lambda: self._wal_bytes() < 1 << 20)

    def bytes_on_disk(self):
        """data/ and wal/ of the database after settle()."""
        self.settle()
        return (common.dir_bytes(os.path.join(self.dir, "data", "bench"))
                + common.dir_bytes(os.path.join(self.dir, "wal", "bench")))

    def count(self):
        series = self.query("SELECT count(value) FROM r")["results"][0]["series"][0]
        return int(series["values"][0][1])

    def prepare_reads(self):
        self.settle()

    def w3(self, env, seconds):
        return wrk_runner.run("influx_window.lua", self.port, {**env, "DB": "bench"},
                              16, 2, seconds)

    def w4(self, input_id, runs):
        """Latencies (s) of SELECT min, max, mean over the input, HTTP
        included, one keep-alive connection, one warm-up first."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        q = f"SELECT min(value),max(value),mean(value) FROM r WHERE input='{input_id}'"
        path = "/query?db=bench&q=" + urllib.parse.quote(q)
        times = []
        for _ in range(runs + 1):
            began = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            times.append(time.perf_counter() - began)
            if response.status != 200:
                raise RuntimeError(f"influx statistics: HTTP {response.status} {body[:300]!r}")
        values = json.loads(body)["results"][0]["series"][0]["values"][0]
        return times[1:], tuple(values[1:4])
