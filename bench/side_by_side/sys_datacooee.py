"""datacooee itself: `serve --sync full` on a fresh SQLite file per load.

Acknowledgement: a 201 is sent only after the readings were appended to the
ingest log and it was fsynced (group commit: one fsync may cover many
uploads); a merge thread then writes them into the SQLite tables. The file
alone holds everything once no log segment (bench.db-ingest.N) is left."""
import http.client
import json
import os
import shutil
import signal
import subprocess
import time

from side_by_side import bulk_sender, common, dataset as ds, wrk_runner

ORG_ID = "benchorg"
API_KEY = "bench-api-key-0123456789"
HEADERS = {"ORGANIZATION-ID": ORG_ID, "ORGANIZATION-API-KEY": API_KEY}


class Datacooee:
    name = "datacooee"

    def __init__(self, binary, work, data_dir):
        self.binary = binary
        self.dir = os.path.join(work, "datacooee")
        self.work = work
        self.data_dir = data_dir
        self.db = os.path.join(self.dir, "bench.db")
        self.template = os.path.join(self.dir, "template.db")
        self.proc = None
        self.commit_log = []
        os.makedirs(self.dir, exist_ok=True)
        # One organisation and the 101 inputs, made once; each fresh store
        # starts as a copy of it.
        cli = [binary, "--db", f"sqlite:{self.template}"]
        common.run(cli + ["org", "create", "--name", "bench", "--id", ORG_ID, "--api-key", API_KEY])
        for i in range(ds.INPUTS + 1):
            common.run(cli + ["input", "create", "--org", ORG_ID, "--name", ds.input_id(i),
                              "--id", ds.input_id(i)])

    @property
    def pid(self):
        return self.proc.pid

    def start(self, fresh=True):
        if fresh:
            for name in os.listdir(self.dir):
                if name.startswith(os.path.basename(self.db)):
                    os.remove(os.path.join(self.dir, name))
            shutil.copyfile(self.template, self.db)
        self._spawn()

    def _serve_command(self):
        return [self.binary, "serve", "--db", f"sqlite:{self.db}", "--listen", "127.0.0.1:0",
                "--sync", "full"]

    def _spawn(self):
        """Starts the server; returns once it listens (its port in self.port)."""
        out = os.path.join(self.dir, "stdout")
        self.proc = subprocess.Popen(
            self._serve_command(),
            stdout=open(out, "w"), stderr=open(os.path.join(self.dir, "stderr"), "a"))
        common.remember_pid(self.work, self.proc.pid)
        for _ in range(600):
            with open(out) as f:
                text = f.read()
            if "listening on http://" in text:
                self.port = int(text.split("listening on http://", 1)[1].split()[0].rsplit(":", 1)[1])
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError("datacooee did not start: see " + os.path.join(self.dir, "stderr"))

    def stop(self):
        """Stops the server; keeps its last "N readings stored in M commits"
        log line in self.commit_log (group commit at work)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        common.stop_process(self.proc, signal.SIGTERM)
        with open(os.path.join(self.dir, "stderr")) as f:
            lines = [l for l in f if "readings per commit" in l]
        if lines:
            self.commit_log.append(lines[-1].split("stopped; ", 1)[-1].strip())

    def fresh(self):
        self.stop()
        self.start(fresh=True)

    def _wrk_env(self, env):
        return {**env, "ORG_ID": ORG_ID, "API_KEY": API_KEY}

    def w1(self, env, seconds):
        return wrk_runner.run("upload_single.lua", self.port, self._wrk_env(env), 64, 2, seconds)

    def bulk(self, part):
        """Sends the load; then waits until it is merged into the tables,
        keeping that extra time in self.merge_lag."""
        files = [os.path.join(self.data_dir, f"datacooee{part}.{c}") for c in range(4)]
        sent = bulk_sender.send(self.port, 201, files,
                                {"Content-Type": "application/vnd.api+json", **HEADERS})
        began = time.monotonic()
        self.wait_merged()
        self.merge_lag = time.monotonic() - began
        return sent

    def wait_merged(self, timeout=600):
        prefix = os.path.basename(self.db) + "-ingest."
        deadline = time.monotonic() + timeout
        while any(n.startswith(prefix) and n[len(prefix):].isdigit() for n in os.listdir(self.dir)):
            if time.monotonic() > deadline:
                raise RuntimeError("datacooee's ingest log was not merged in time")
            time.sleep(0.01)

    def bytes_on_disk(self):
        """The database file and its WAL after a checkpoint that empties the WAL."""
        common.run(["sqlite3", self.db, "PRAGMA wal_checkpoint(TRUNCATE);"])
        return sum(common.file_bytes(self.db + s) for s in ("", "-wal"))

    def count(self):
        return int(common.run(["sqlite3", f"file:{self.db}?mode=ro",
                               "SELECT coalesce(sum(count), 0) FROM reading_blocks;"]).strip())

    def prepare_reads(self):
        pass

    def w3(self, env, seconds):
        return wrk_runner.run("fetch_window.lua", self.port, self._wrk_env(env), 16, 2, seconds)

    def w4(self, input_id, runs):
        """Latencies (s) of min,max,avg over the input's whole range, HTTP
        included, over one keep-alive connection (one warm-up first), and the
        last answer."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        path = (f"/api/external/v1/get_statistics_inputdata_by_inputs/?input_ids={input_id}"
                "&aggregation_func=min,max,avg")
        times = []
        for _ in range(runs + 1):
            began = time.perf_counter()
            conn.request("GET", path, headers=HEADERS)
            response = conn.getresponse()
            body = response.read()
            times.append(time.perf_counter() - began)
            if response.status != 200:
                raise RuntimeError(f"statistics: HTTP {response.status} {body[:300]!r}")
        s = json.loads(body)[0]["inputdata"][0]
        return times[1:], (s["min"], s["max"], s["avg"])
