"""datacooee on PostgreSQL or on a Citus cluster: the same `serve` as
sys_datacooee.py with `--db postgresql://…`, on database servers that
scripts/db-cluster starts in the bench's temporary directory (one
PostgreSQL 15, or a Citus coordinator and two workers), with PostgreSQL's
durability defaults (fsync, synchronous_commit on).

Acknowledgement: a 201 is sent only after the upload's transaction
committed in PostgreSQL (group commit: uploads that arrive together share
one transaction, written by binary COPY and one upsert). Nothing is left to
merge afterwards.

The peak RSS and CPU figures are the datacooee server's alone; the database
servers run beside it on the same cores."""
import os
import shutil
import subprocess

from side_by_side import common, dataset as ds
from side_by_side.sys_datacooee import API_KEY, ORG_ID, Datacooee

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = "/usr/lib/postgresql/15/bin"


class DatacooeeOnPostgres(Datacooee):
    def __init__(self, binary, work, data_dir, kind):
        self.kind = kind  # "postgres" or "citus"
        self.name = "datacooee on PostgreSQL" if kind == "postgres" else "datacooee on Citus"
        self.binary = binary
        self.work = work
        self.data_dir = data_dir
        self.dir = os.path.join(work, "datacooee-" + kind)
        self.cluster = os.path.join(work, "db-" + kind)
        self.proc = None
        self.commit_log = []
        os.makedirs(self.dir, exist_ok=True)
        os.chmod(work, 0o755)  # the postgres user must reach the cluster's directory
        self.url = common.run([os.path.join(ROOT, "scripts/db-cluster"), "start", kind,
                               self.cluster]).strip().splitlines()[-1]
        for node in self._nodes():
            with open(os.path.join(self.cluster, node + "/postmaster.pid")) as f:
                common.remember_pid(work, int(f.readline()))
        cli = [binary, "--db", self.url]
        common.run(cli + ["org", "create", "--name", "bench", "--id", ORG_ID, "--api-key", API_KEY])
        for i in range(ds.INPUTS + 1):
            common.run(cli + ["input", "create", "--org", ORG_ID, "--name", ds.input_id(i),
                              "--id", ds.input_id(i)])

    def _nodes(self):
        return ["postgres"] if self.kind == "postgres" else ["coordinator", "worker1", "worker2"]

    def _superuser_sql(self, node, sql):
        with open(os.path.join(self.cluster, node + ".port")) as f:
            port = f.read().strip()
        cmd = [f"{BIN}/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
               "-p", port, "-U", "postgres", "-d", "datacooee", "-c", sql]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        return common.run(cmd)

    def _sql(self, sql):
        return common.run([f"{BIN}/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                           self.url, "-c", sql])

    def _serve_command(self):
        return [self.binary, "serve", "--db", self.url, "--listen", "127.0.0.1:0"]

    def start(self, fresh=True):
        if fresh:
            self._sql("TRUNCATE readings, hour_stats")
            for node in self._nodes():
                self._superuser_sql(node, "CHECKPOINT")
        self._spawn()

    def wait_merged(self, timeout=600):
        pass  # committed before the 201: nothing to merge

    def count(self):
        return int(self._sql("SELECT count(*) FROM readings").strip())

    def prepare_reads(self):
        self._sql("VACUUM ANALYZE readings")
        self._sql("VACUUM ANALYZE hour_stats")

    def bytes_on_disk(self):
        """Every table of the database (heap, indexes, TOAST, free space and
        visibility maps) on every node, after VACUUM: readings, hour
        aggregates and the catalog; on Citus the workers' shards. The WAL is
        not counted (as for the PostgreSQL anchor)."""
        self.prepare_reads()
        total = 0
        # Citus hides the shards from pg_class on the workers unless told
        # otherwise.
        show = "SET citus.override_table_visibility TO off; " if self.kind == "citus" else ""
        for node in self._nodes():
            total += int(self._superuser_sql(
                node, show + "SELECT coalesce(sum(pg_total_relation_size(oid)), 0) FROM pg_class "
                      "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace").strip()
                .splitlines()[-1])
        return total

    def close(self):
        """Stops the database servers (after the last workload)."""
        self.stop()
        subprocess.run([os.path.join(ROOT, "scripts/db-cluster"), "stop", self.cluster],
                       check=False)
        shutil.rmtree(self.cluster, ignore_errors=True)
