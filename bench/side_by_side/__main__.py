"""bench/run's driver: runs W1–W5 against nginx, datacooee, InfluxDB and
PostgreSQL in turn (one server alive at a time), then prints the table and
writes it as Markdown. Configured by environment variables that bench/run
sets; see bench/README.md."""
import datetime
import os
import signal
import sys
import time

from side_by_side import dataset as ds
from side_by_side import common, make_bodies, procstat, report, results_file
from side_by_side.sys_datacooee import Datacooee
from side_by_side.sys_datacooee_pg import DatacooeeOnPostgres
from side_by_side.sys_influx import Influx
from side_by_side.sys_nginx import Nginx
from side_by_side.sys_postgres import Postgres

W1_BASE = 1767225600  # 2026-01-01T00:00:00Z, after every W2 reading
W1_STRIDE = 200_000   # seconds between wrk threads' ranges (20M requests each)
SMALL_INPUT = "sen0042"


def log(msg):
    print(f"[{datetime.datetime.now():%H:%M:%S}] {msg}", flush=True)


class Config:
    def __init__(self):
        e = os.environ
        self.work = e["WORK"]
        self.binary = e["DATACOOEE_BIN"]
        self.quick = e.get("QUICK", "0") not in ("", "0")
        self.reps = int(e.get("REPS", "3"))
        self.duration = int(e.get("DURATION", "3" if self.quick else "10"))
        self.per_input = int(e.get("PER_INPUT", "5000" if self.quick else "100000"))
        self.big = int(e.get("BIG", "200000" if self.quick else "10000000"))
        self.runs = int(e.get("W4_RUNS", "20"))
        self.data_dir = e.get("DATA_DIR") or os.path.join(self.work, "data")
        self.results = e["RESULTS"]
        self.command = e.get("COMMAND", "bench/run")
        self.systems = e.get("SYSTEMS", "nginx,datacooee,influxdb,postgresql").split(",")
        self.total = self.per_input * ds.INPUTS


def idle(system):
    procstat.wait_idle(system.pid, quiet_for=2.0, limit=120.0)


def measured(results, metric, system, fn):
    """Runs fn under a peak-memory and CPU watch; records the peak RSS (MB)
    (and the peak summed PSS for servers of several processes)."""
    idle(system)
    cpu0, t0 = procstat.cpu_seconds(system.pid), time.monotonic()
    with procstat.PeakMemory(system.pid) as mem:
        out = fn()
    cores = (procstat.cpu_seconds(system.pid) - cpu0) / (time.monotonic() - t0)
    results.add("rss_" + metric, system.name, mem.mib * 1.048576)
    if mem.pss_mib is not None:
        results.add("pss_" + metric, system.name, mem.pss_mib * 1.048576)
    return out, cores


def run_system(s, cfg, res, notes):
    name = s.name
    inputs = ",".join(ds.input_id(i) for i in range(ds.INPUTS))
    log(f"== {name}: starting")
    s.start()
    try:
        for rep in range(cfg.reps):
            env = {"INPUTS": inputs, "BASE": W1_BASE + rep * 2 * W1_STRIDE, "STRIDE": W1_STRIDE}
            # The disk and the other work on the machine change over a run:
            # record both next to each W1 figure.
            res.add("w1_fsync", name, common.fsync_ms(cfg.work, 50))
            r, cores = measured(res, "w1", s, lambda: s.w1(env, cfg.duration))
            res.add("w1_load", name, os.getloadavg()[0])
            res.add("w1", name, r["rate"])
            res.add("w1_p99", name, r["p99_ms"])
            res.add("w1_loadgen", name, r["loadgen_cores"])
            res.add("w1_server_cpu", name, cores)
            log(f"{name} W1 rep {rep + 1}: {r['rate']:,.0f}/s p99 {r['p99_ms']:.2f} ms "
                f"errors {r['errors']} load generator {r['loadgen_cores']:.2f} cores, "
                f"server {cores:.2f} cores")
            if r["errors"]:
                notes.append(f"{name} W1 rep {rep + 1}: {r['errors']} failed requests")

        if name == "nginx":
            for fmt, metric in (("datacooee", "w2"), ("influx", "w2_influx_bodies")):
                for rep in range(cfg.reps):
                    (n, secs, size), _ = measured(res, metric, s, lambda: s.bulk(fmt))
                    res.add(metric, name, n / secs)
                    log(f"sender ceiling with {fmt} bodies, rep {rep + 1}: {n / secs:,.0f} readings/s "
                        f"({size / secs / 1e6:,.0f} MB/s)")
        else:
            for rep in range(cfg.reps):
                s.fresh()
                (_, secs, _), cores = measured(res, "w2", s, lambda: s.bulk(""))
                res.add("w2", name, cfg.total / secs)
                lag = getattr(s, "merge_lag", None)
                merged = "" if lag is None else f", all merged {lag:.1f} s after the last 201"
                if lag is not None:
                    res.add("w2_merged", name, cfg.total / (secs + lag))
                log(f"{name} W2 rep {rep + 1}: {cfg.total:,} readings in {secs:.1f} s = "
                    f"{cfg.total / secs:,.0f}/s{merged}, server {cores:.2f} cores")
            if getattr(s, "commit_log", None):
                notes.append(f"{name}'s W1 server, at its end: {s.commit_log[0]}; "
                             f"after the W2 loads: {'; '.join(s.commit_log[1:])}")
            began = time.monotonic()
            size = s.bytes_on_disk()
            res.add("w5", name, size / cfg.total)
            log(f"{name} W5: {size:,} bytes = {size / cfg.total:.1f} bytes/reading "
                f"(settled in {time.monotonic() - began:.0f} s)")
            stored = s.count()
            if stored != cfg.total:
                raise RuntimeError(f"{name} holds {stored} readings after W2, expected {cfg.total}")
            began = time.monotonic()
            s.bulk("_big")
            log(f"{name}: loaded {cfg.big:,} readings of {ds.input_id(ds.BIG_INDEX)} in "
                f"{time.monotonic() - began:.1f} s (not a figure)")
            s.prepare_reads()
            stored = s.count()
            if stored != cfg.total + cfg.big:
                raise RuntimeError(f"{name} holds {stored} readings, expected {cfg.total + cfg.big}")

        env = {"INPUTS": inputs, "INPUT_COUNT": ds.INPUTS, "START": ds.START,
               "SPAN": cfg.per_input, "SEED": 42}
        for rep in range(cfg.reps):
            r, cores = measured(res, "w3", s, lambda: s.w3(env, cfg.duration))
            res.add("w3", name, r["rate"])
            res.add("w3_p99", name, r["p99_ms"])
            log(f"{name} W3 rep {rep + 1}: {r['rate']:,.0f}/s p99 {r['p99_ms']:.2f} ms "
                f"errors {r['errors']} load generator {r['loadgen_cores']:.2f} cores, "
                f"server {cores:.2f} cores")
            if r["errors"]:
                notes.append(f"{name} W3 rep {rep + 1}: {r['errors']} failed requests")

        if name != "nginx":
            def w4():
                return s.w4(SMALL_INPUT, cfg.runs), s.w4(ds.input_id(ds.BIG_INDEX), cfg.runs)
            ((small, small_answer), (big, big_answer)), _ = measured(res, "w4", s, w4)
            for t in small:
                res.add("w4_small", name, t * 1000)
            for t in big:
                res.add("w4_big", name, t * 1000)
            notes.append(f"{name} W4 answers (min, max, avg): {SMALL_INPUT} "
                         f"{tuple(round(x, 4) for x in small_answer)}, "
                         f"{ds.input_id(ds.BIG_INDEX)} {tuple(round(x, 4) for x in big_answer)}")
            log(f"{name} W4: {SMALL_INPUT} median {sorted(small)[len(small) // 2] * 1000:.2f} ms, "
                f"{ds.input_id(ds.BIG_INDEX)} median {sorted(big)[len(big) // 2] * 1000:.2f} ms")
    finally:
        getattr(s, "close", s.stop)()
        log(f"== {name}: stopped")


def main():
    # bench/run starts this in the background, where SIGINT is ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    cfg = Config()
    began = time.monotonic()
    load_before = os.getloadavg()
    fsync = common.fsync_ms(cfg.work)
    log(f"fsync of a 4 KiB append in {cfg.work}: median {fsync:.2f} ms")
    log(f"data: {cfg.total:,} readings ({ds.INPUTS} inputs x {cfg.per_input:,}) + "
        f"{cfg.big:,} for {ds.input_id(ds.BIG_INDEX)}, in {cfg.data_dir}")
    if make_bodies.make(cfg.data_dir, cfg.per_input, cfg.big):
        log(f"bodies generated in {time.monotonic() - began:.0f} s (not measured)")
    makers = {
        "nginx": lambda: Nginx(cfg.work, cfg.data_dir, os.cpu_count()),
        "datacooee": lambda: Datacooee(cfg.binary, cfg.work, cfg.data_dir),
        "datacooee-pg": lambda: DatacooeeOnPostgres(cfg.binary, cfg.work, cfg.data_dir, "postgres"),
        "datacooee-citus": lambda: DatacooeeOnPostgres(cfg.binary, cfg.work, cfg.data_dir, "citus"),
        "influxdb": lambda: Influx(cfg.work, cfg.data_dir),
        "postgresql": lambda: Postgres(cfg.work, cfg.data_dir),
    }
    res, notes = report.Results(), []
    for key in cfg.systems:
        run_system(makers[key](), cfg, res, notes)
    elapsed = time.monotonic() - began
    load_after = os.getloadavg()

    text, markdown = results_file.render(cfg, res, notes, elapsed,
                                         (load_before, load_after), fsync,
                                         common.versions(cfg.binary))
    print()
    print(text)
    os.makedirs(os.path.dirname(os.path.abspath(cfg.results)), exist_ok=True)
    with open(cfg.results, "w") as f:
        f.write(markdown)
    log(f"written {cfg.results}; total {elapsed / 60:.1f} min")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        log("interrupted: servers stopped")
        sys.exit(130)
