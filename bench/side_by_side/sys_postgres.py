"""PostgreSQL 15 (Debian's postgresql-15), a cluster of our own made with
initdb in a temporary directory and run as the postgres user (the server
refuses root), on 127.0.0.1 and a unix socket inside that directory; never
the distribution's cluster. No HTTP in front: pgbench and psql speak the
PostgreSQL protocol over TCP on loopback.

Acknowledgement: fsync = on and synchronous_commit = on (the defaults, set
explicitly): a COMMIT returns only after the transaction's WAL records were
flushed to disk (group commit across backends applies). Everything else is
PostgreSQL 15's default configuration (shared_buffers 128 MB, …).
"""
import glob
import os
import re
import resource
import subprocess
import time

from side_by_side import common, procstat

BIN = "/usr/lib/postgresql/15/bin"
PG_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "pg")


def _percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))]


class Postgres:
    name = "PostgreSQL"

    def __init__(self, work, data_dir):
        self.work = work
        self.dir = os.path.join(work, "pg")
        self.data = os.path.join(self.dir, "data")
        self.data_dir = data_dir
        self.port = common.free_port()
        os.makedirs(self.dir, exist_ok=True)
        if os.geteuid() == 0:
            os.chmod(work, 0o755)  # the postgres user must reach its directory
            subprocess.run(["chown", "postgres:postgres", self.dir], check=True)
        self._as_postgres([f"{BIN}/initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
                           "-E", "UTF8", "--locale=C"])
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write(f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
                    f"unix_socket_directories = '{self.dir}'\n"
                    "fsync = on\nsynchronous_commit = on\n")
        self.created = False

    def _as_postgres(self, cmd):
        """The server's own commands, as the postgres user when we are root."""
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        return common.run(cmd)

    @property
    def pid(self):
        with open(os.path.join(self.data, "postmaster.pid")) as f:
            return int(f.readline())

    def start(self):
        self._as_postgres([f"{BIN}/pg_ctl", "start", "-w", "-D", self.data,
                           "-l", os.path.join(self.dir, "log")])
        common.remember_pid(self.work, self.pid)
        if not self.created:
            self.psql("CREATE DATABASE bench", db="postgres")
            self.psql_file(os.path.join(PG_DIR, "schema.sql"))
            self.created = True

    def stop(self):
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            self._as_postgres([f"{BIN}/pg_ctl", "stop", "-w", "-m", "fast", "-D", self.data])

    def _conn(self, db="bench"):
        return ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", db]

    def psql(self, sql, db="bench"):
        return common.run([f"{BIN}/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                           *self._conn(db), "-c", sql])

    def psql_file(self, path):
        return common.run([f"{BIN}/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                           *self._conn(), "-f", path])

    def fresh(self):
        """An empty table (TRUNCATE), checkpointed, and a restarted server."""
        self.psql("TRUNCATE readings; CHECKPOINT;")
        self.stop()
        self.start()

    def _pgbench(self, script, clients, seconds, variables, tag):
        prefix = os.path.join(self.dir, tag)
        for old in glob.glob(prefix + ".*"):
            os.remove(old)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.monotonic()
        out = common.run([f"{BIN}/pgbench", *self._conn(), "-n", "-M", "prepared",
                          "-c", str(clients), "-j", "2", "-T", str(seconds),
                          "--random-seed=42", "-l", f"--log-prefix={prefix}",
                          "-f", os.path.join(PG_DIR, script),
                          *[f"-D{k}={v}" for k, v in variables.items()]])
        wall = time.monotonic() - began
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        tps = float(re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out).group(1))
        failed = re.search(r"number of failed transactions: (\d+)", out)
        latencies = []
        for path in glob.glob(prefix + ".*"):
            with open(path) as f:
                latencies.extend(int(line.split()[2]) for line in f)
        return {
            "rate": tps,
            "p50_ms": _percentile(latencies, 50) / 1000,
            "p99_ms": _percentile(latencies, 99) / 1000,
            "errors": int(failed.group(1)) if failed else 0,
            "loadgen_cores": ((after.ru_utime + after.ru_stime)
                              - (before.ru_utime + before.ru_stime)) / wall,
        }

    def w1(self, env, seconds):
        return self._pgbench("insert_single.sql", 64, seconds, {"base": env["BASE"]}, "w1")

    def bulk(self, part):
        """4 psql sessions in parallel, each running its script of COPY …
        FROM STDIN of 5,000 rows (one transaction each)."""
        files = [os.path.join(self.data_dir, f"pg{part}.{c}") for c in range(4)]
        began = time.monotonic()
        procs = [subprocess.Popen([f"{BIN}/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                                   *self._conn(), "-f", path],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                 for path in files]
        errors = [p.communicate()[1] for p in procs]
        seconds = time.monotonic() - began
        for p, err in zip(procs, errors):
            if p.returncode != 0:
                raise RuntimeError(f"psql COPY failed: {err[-1000:]!r}")
        return None, seconds, None

    def count(self):
        return int(self.psql("SELECT count(*) FROM readings").strip())

    def prepare_reads(self):
        """VACUUM ANALYZE (statistics for the planner and the visibility map),
        a checkpoint, then wait until the server is idle."""
        self.psql("VACUUM ANALYZE readings")
        self.psql("CHECKPOINT")
        procstat.wait_idle(self.pid)

    def bytes_on_disk(self):
        """pg_total_relation_size: heap, primary-key index, free space and
        visibility maps, after prepare_reads(). The WAL is not counted."""
        self.prepare_reads()
        return int(self.psql("SELECT pg_total_relation_size('readings')").strip())

    def w3(self, env, seconds):
        return self._pgbench("window.sql", 16, seconds,
                             {"inputs": env["INPUT_COUNT"], "start": env["START"],
                              "span": env["SPAN"]}, "w3")

    def w4(self, input_id, runs):
        """Latencies (s) of the plain aggregate, as psql's \\timing reports
        them in one session (client round trip over TCP included), one
        warm-up first."""
        script = os.path.join(self.dir, "w4.sql")
        q = f"SELECT min(value), max(value), avg(value) FROM readings WHERE input_id = '{input_id}';"
        with open(script, "w") as f:
            f.write("\\timing on\n" + (q + "\n") * (runs + 1))
        out = common.run([f"{BIN}/psql", "-X", "-A", "-t", *self._conn(), "-f", script])
        times = [float(t) / 1000 for t in re.findall(r"^Time: ([0-9.]+) ms", out, re.M)]
        answer = next(l for l in out.splitlines() if "|" in l).split("|")
        return times[1:], tuple(float(x) for x in answer)
