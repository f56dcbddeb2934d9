"""Renders the run as a text table (stdout) and a Markdown page
(docs/bench-results.md): machine, command, table, targets, load-generator
check, what each system's acknowledgement guarantees, and the methods."""
import datetime
import os
import platform

from side_by_side import dataset as ds
from side_by_side.report import markdown_table, rows, text_table

GUARANTEES = """\
- **datacooee** (`serve --sync full`): a `201` is sent only after the
  upload's readings were appended to the ingest log beside the database and
  that file was fsynced (one writer thread appends whatever is queued as one
  record, so one fsync may cover many uploads; a batch upload is one record,
  stored all or none). A merge thread then writes the readings into the
  SQLite tables (WAL, `synchronous=FULL`) in large sorted transactions;
  every API read first waits for the merge of its input's acknowledged
  readings, so a reading is readable as soon as its `201` is sent. "W2 until
  merged" counts until the tables hold the whole load.
- **datacooee on PostgreSQL / on Citus** (`serve --db postgresql://…` on
  database servers `scripts/db-cluster` starts: one PostgreSQL 15, or a Citus
  12.1 coordinator and two workers, PostgreSQL's durability defaults): a
  `201` is sent only after the upload's transaction committed (uploads
  that arrive together share one transaction: binary `COPY` into a staging
  table and one upsert into `readings` and the hour aggregates). Nothing
  is merged later. Their RSS and CPU rows are the datacooee server's alone;
  the database servers share the same cores.
- **InfluxDB 1.6** (`[data] wal-fsync-delay = "0s"`, set explicitly): a
  `/write` answers `204` only after its points were appended to the shard's
  WAL segment and that file was fsynced (the tsm1 WAL's `writeToLog` waits for
  the scheduled sync; with a delay of 0 the sync runs at once, and writes
  arriving meanwhile share it). The points live in the in-memory cache until
  they are snapshotted to TSM files.
- **PostgreSQL 15** (`fsync = on`, `synchronous_commit = on`, the defaults,
  set explicitly): `COMMIT` returns after the transaction's WAL was flushed
  to disk (concurrent commits share flushes). W1 is one single-row `INSERT`
  transaction per reading; W2 one `COPY` of 5,000 rows per transaction.
- **nginx** stores nothing: `return 201` with an 11-byte body. It is the
  ceiling of HTTP on this machine with the same load generator, not a peer."""


def _methods(cfg):
    return f"""\
- One server runs at a time (nginx, datacooee, InfluxDB, PostgreSQL), on
  127.0.0.1, from a temporary directory; before each measured repetition the
  run waits until the server has been idle for 2 s. The load generators run
  on the same {os.cpu_count()} cores.
- Data: inputs sen0000…sen0099 with {cfg.per_input:,} readings each, one a
  second from 2025-01-01T00:00:00Z ({cfg.total:,} readings), plus
  sen0100 with {cfg.big:,} readings for W4; a value is a seeded random walk
  in steps of 0.01 (two decimals), identical for every system. All bodies
  are generated before the run (`bench/side_by_side/make_bodies.py`).
- **W1**: wrk, 2 threads, 64 keep-alive connections, {cfg.duration} s per
  repetition, one reading per request, every request a distinct (input,
  timestamp) from 2026-01-01 on (`bench/wrk/single_reading.lua`): datacooee
  `POST /api/external/v1/inputs/{{id}}/inputdata/` (`bench/wrk/upload_single.lua`),
  InfluxDB `POST /write?precision=s` with one line (`influx_write_single.lua`).
  PostgreSQL: `pgbench -c 64 -j 2 -M prepared -f bench/pg/insert_single.sql`
  (one single-row `INSERT … ON CONFLICT DO UPDATE` transaction, keys from a
  sequence). nginx: the datacooee script.
- **W2**: {cfg.total:,} readings in batches of {ds.BATCH:,} (one input per
  batch, time-major order) over 4 keep-alive connections, each repetition
  into an empty store (datacooee: a fresh database file; InfluxDB: fresh
  data directories; PostgreSQL: `TRUNCATE`, `CHECKPOINT`, restart); the
  server is restarted before each repetition. HTTP: `bench/side_by_side/bulk_sender.py`,
  4 processes each holding its connection's bodies in memory; datacooee's
  batch upload (JSON:API array), InfluxDB line protocol. PostgreSQL: 4 `psql`
  sessions in parallel, each running `COPY readings FROM STDIN` per batch of
  {ds.BATCH:,} rows. Time: from all connections ready to the last answer.
- **W3**: 16 connections, 2 threads, {cfg.duration} s per repetition; each
  request a random input of the 100 and a random 1-hour window inside its
  range, newest first, limit 1000 (`bench/wrk/random_window.lua`; datacooee
  `get_inputdata_by_inputs` with `timeperiod_start`/`timeperiod_finish`
  (inclusive, so first … first + 3599 s), `order_by=timestamp&sort_by=desc&limit=1000`;
  InfluxDB `SELECT value FROM r WHERE input='…' AND time >= … AND time < …
  ORDER BY time DESC LIMIT 1000`, answered with RFC 3339 timestamps as
  datacooee's are (`epoch=s` would make InfluxDB's answer about a third
  cheaper to produce); PostgreSQL `pgbench -c 16 -j 2 -M prepared
  -f bench/pg/window.sql`, the same distribution). p99 from wrk's latency
  histogram / pgbench's per-transaction log.
- **W4**: {cfg.runs} runs after one warm-up, one connection, sequential:
  datacooee `get_statistics_inputdata_by_inputs?aggregation_func=min,max,avg`
  with no window (HTTP time included, Python `http.client`); InfluxDB
  `SELECT min(value),max(value),mean(value) FROM r WHERE input='…'` (HTTP
  included); PostgreSQL `SELECT min(value), max(value), avg(value) FROM
  readings WHERE input_id = '…'` timed by psql's `\\timing` in one session
  (round trip over TCP included). Inputs: sen0042 ({cfg.per_input:,}
  readings) and sen0100 ({cfg.big:,}).
- **W5**: after the last W2 repetition, before sen0100 is loaded: datacooee
  the database file plus its WAL after `PRAGMA wal_checkpoint(TRUNCATE)`
  (readings table and its per-hour aggregates); InfluxDB the database's
  `data/` and `wal/` directories once the cache was snapshotted and
  compactions stopped (cold durations set to 5 s / 10 s so this happens
  within the run); PostgreSQL `pg_total_relation_size('readings')` (heap,
  primary-key index, free-space and visibility maps) after `VACUUM ANALYZE`.
  Write-ahead logs of PostgreSQL are not counted.
- PostgreSQL schema (`bench/pg/schema.sql`): `readings(input_id text,
  ts timestamptz, value double precision, PRIMARY KEY (input_id, ts))`;
  `VACUUM ANALYZE` and `CHECKPOINT` after loading, before W3/W4. InfluxDB:
  measurement `r`, tag `input`, float field `value`, inmem index.
- **Peak RSS**: per workload and repetition, VmHWM (reset through
  `/proc/PID/clear_refs`) and VmRSS sampled every 100 ms, summed over the
  server's processes (PostgreSQL: postmaster and every backend, which counts
  shared buffers once per process that touched them, an upper bound; nginx:
  master and workers). 1 MB = 10^6 bytes.
- **Load generator CPU**: wrk's (or pgbench's) CPU time divided by wall time,
  in cores; the server's likewise from /proc."""


def _targets(res):
    m = res.median
    out = []

    def ratio(a, b):
        return a / b if a is not None and b else None

    def add(text, value, ok):
        out.append((text, "–" if value is None else value, "–" if value is None else ("yes" if ok else "**no**")))

    r = ratio(m("w1", "datacooee"), m("w1", "InfluxDB"))
    add("W1 ≥ 3× InfluxDB", r and f"{r:.2f}×", r is not None and r >= 3)
    r = ratio(m("w1", "datacooee"), m("w1", "nginx"))
    add("W1 ≥ 0.5× nginx", r and f"{r:.2f}×", r is not None and r >= 0.5)
    r = ratio(m("w2", "datacooee"), m("w2", "InfluxDB"))
    add("W2 ≥ 1× InfluxDB line protocol", r and f"{r:.2f}×", r is not None and r >= 1)
    r = ratio(m("w2_merged", "datacooee"), m("w2", "InfluxDB"))
    add("W2 ≥ 1× InfluxDB, datacooee counted until merged", r and f"{r:.2f}×",
        r is not None and r >= 1)
    r = ratio(m("w3", "datacooee"), m("w3", "InfluxDB"))
    add("W3 ≥ 3× InfluxDB", r and f"{r:.2f}×", r is not None and r >= 3)
    for peer in ("InfluxDB", "PostgreSQL"):
        r = ratio(m("w4_big", peer), m("w4_big", "datacooee"))
        add(f"W4 on the big input ≥ 100× faster than {peer}", r and f"{r:,.0f}× faster",
            r is not None and r >= 100)
    r = ratio(m("w5", "datacooee"), m("w5", "PostgreSQL"))
    add("W5 ≤ 0.5× PostgreSQL bytes/reading", r and f"{r:.2f}×", r is not None and r <= 0.5)
    v = m("rss_w1", "datacooee")
    add("datacooee RSS under W1 < 200 MB", v and f"{v:.0f} MB", v is not None and v < 200)
    for ours in ("datacooee on PostgreSQL", "datacooee on Citus"):
        r = ratio(m("w1", ours), m("w1", "PostgreSQL"))
        add(f"{ours}: W1 ≥ 2× PostgreSQL's single-row inserts", r and f"{r:.2f}×",
            r is not None and r >= 2)
        r = ratio(m("w2", ours), m("w2", "PostgreSQL"))
        add(f"{ours}: W2 ≥ 1× PostgreSQL's COPY", r and f"{r:.2f}×", r is not None and r >= 1)
        v = m("w4_big", ours)
        add(f"{ours}: W4 on the big input < 20 ms", v and f"{v:.1f} ms", v is not None and v < 20)
    return out


def _loadgen(res, fsync_ms):
    m = res.median
    lines, shares = [], []

    def pct(a, b):
        return f"{a / b:.0%}"

    n1 = m("w1", "nginx")
    if n1:
        lines.append(f"- W1: the same wrk script (2 threads, 64 connections) drove nginx to "
                     f"{n1:,.0f} requests/s, using {m('w1_loadgen', 'nginx'):.2f} cores itself "
                     f"(nginx {m('w1_server_cpu', 'nginx'):.2f}).")
        for system in ("datacooee", "InfluxDB"):
            v = m("w1", system)
            if v:
                shares.append(v / n1)
                lines.append(f"  {system}: {v:,.0f}/s = {pct(v, n1)} of that ceiling; wrk used "
                             f"{m('w1_loadgen', system):.2f} cores, the server "
                             f"{m('w1_server_cpu', system):.2f}.")
    for metric, fmt, system in (("w2", "datacooee's JSON:API", "datacooee"),
                                ("w2_influx_bodies", "the line-protocol", "InfluxDB")):
        c = m(metric, "nginx")
        if c:
            text = (f"- W2: the bulk sender's ceiling (against nginx) with {fmt} bodies: "
                    f"{c:,.0f} readings/s")
            v = m("w2", system)
            if v:
                shares.append(v / c)
                text += f"; {system} reached {pct(v, c)} of it"
            lines.append(text + ".")
    n3 = m("w3", "nginx")
    if n3:
        parts = []
        for system in ("datacooee", "InfluxDB"):
            v = m("w3", system)
            if v:
                shares.append(v / n3)
                parts.append(f"{system} reached {pct(v, n3)} of it")
        lines.append(f"- W3: the same wrk script (2 threads, 16 connections) drove nginx to "
                     f"{n3:,.0f} requests/s" + (f"; {', '.join(parts)}" if parts else "") + ".")
    if shares:
        worst = max(shares)
        if worst < 0.7:
            lines.append(f"- Verdict: no HTTP system came above {worst:.0%} of what the same load "
                         "generator reached against nginx, so load generation was not the "
                         "bottleneck. It does share the cores with the server, as it would for "
                         "any system measured here.")
        else:
            lines.append(f"- Verdict: a system reached {worst:.0%} of the load generator's ceiling "
                         "against nginx: there the generator may be limiting the figure.")
    bounds = [f"{system} {64 / m('w1_fsync', system) * 1000:,.0f}/s (fsync "
              f"{m('w1_fsync', system):.2f} ms)"
              for system in ("datacooee", "InfluxDB", "PostgreSQL") if m("w1_fsync", system)]
    if bounds:
        lines.append("- The disk bounds W1 for every durable system: a connection has one request "
                     "in flight, and each waits for at least one fsync, so 64 connections get at "
                     "most 64 ÷ the fsync time acknowledgements/s, however many readings share an "
                     "fsync. With the median fsync probe taken before each system's W1 "
                     "repetitions: " + ", ".join(bounds) + ". The probe (4 KiB append + fsync, "
                     "50 times) moves with the other work on the disk; compare each system "
                     "against its own bound.")
    if m("w1_loadgen", "PostgreSQL") is not None:
        lines.append("- PostgreSQL is driven by pgbench (C, PostgreSQL protocol, 2 threads) and "
                     f"psql; pgbench used {m('w1_loadgen', 'PostgreSQL'):.2f} cores in W1.")
    return "\n".join(lines)


def _machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    return (f"{os.cpu_count()} cores ({model}), {mem_kb / 1024 / 1024:.0f} GiB RAM, "
            f"Linux {platform.release()}")


def _pss_notes(res):
    out = []
    for system in ("PostgreSQL", "nginx"):
        parts = [f"{w.upper()} {res.median('pss_' + w, system):,.0f} MB"
                 for w in ("w1", "w2", "w3", "w4") if res.get("pss_" + w, system)]
        if parts:
            out.append(f"{system}'s peak summed PSS (shared pages divided among the processes "
                       f"sharing them; the table sums RSS): {', '.join(parts)}.")
    return out


def render(cfg, res, notes, elapsed, loads, fsync_ms, versions):
    load_before, load_after = loads
    big = f"{cfg.big / 1e6:g}M" if cfg.big >= 1e6 else f"{cfg.big / 1e3:g}k"
    small = f"{cfg.per_input / 1e3:g}k"
    labels = [
        ("w1", "W1 single-reading uploads, readings/s"),
        ("w1_p99", "W1 p99 latency, ms (lower is better)"),
        ("w2", f"W2 bulk load of {cfg.total / 1e6:g}M, readings/s"),
        ("w2_merged", "W2 counted until merged into datacooee's tables, readings/s"),
        ("w3", "W3 1-hour window, requests/s"),
        ("w3_p99", "W3 p99 latency, ms (lower is better)"),
        ("w4_small", f"W4 min/max/avg over {small}, ms (lower is better)"),
        ("w4_big", f"W4 min/max/avg over {big}, ms (lower is better)"),
        ("w5", "W5 bytes on disk per reading (lower is better)"),
        ("rss_w1", "peak RSS in W1, MB (lower is better)¹"),
        ("rss_w2", "peak RSS in W2, MB (lower is better)¹"),
        ("rss_w3", "peak RSS in W3, MB (lower is better)¹"),
        ("rss_w4", "peak RSS in W4, MB (lower is better)¹"),
        ("w1_loadgen", "load generator CPU in W1, cores"),
        ("w1_server_cpu", "server CPU in W1, cores"),
        ("w1_fsync", "fsync probe before W1, ms (the disk then)"),
        ("w1_load", "1-min load average after W1 (the machine then)"),
    ]
    header, body = rows(res, labels,
                        no_ratio=("w1_loadgen", "w1_server_cpu", "w1_fsync", "w1_load"))
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    kind = ("QUICK smoke run (small data, short runs): not figures to quote"
            if cfg.quick else "full run")
    cells = (f"Each cell: median of {cfg.reps} repetitions (min–max); W4: median of "
             f"{cfg.runs} runs (min–max). Ratios: datacooee's median ÷ the peer's median; "
             "for rows marked \"lower is better\" a ratio below 1× favours datacooee (1/N× means "
             "N times less). nginx's W2 "
             "cell is the bulk sender's ceiling with datacooee's bodies. ¹ Summed over a server's "
             "processes: for PostgreSQL (64 backends in W1) that counts shared buffers once per "
             "backend; its summed PSS is in the notes.")
    contention = (f"load average {load_before[0]:.2f} at the start, {load_after[0]:.2f} at the end "
                  f"(anything above 0 is other work competing for the {os.cpu_count()} cores); "
                  f"fsync of a 4 KiB append at the start: median {fsync_ms:.2f} ms")
    text = "\n".join([f"{kind}; {when}; {_machine()}; {contention}", "", text_table(header, body),
                      "", cells])
    targets = "\n".join(["| target | this run | met |", "|---|---:|:---:|"]
                        + [f"| {t} | {v} | {ok} |" for t, v, ok in _targets(res)])
    md = f"""# Side-by-side benchmark results

datacooee next to InfluxDB 1.6, PostgreSQL 15 and nginx (issue #5), made by
`bench/run` (see `bench/README.md`). **{kind}.**

- Date: {when}
- Machine: {_machine()}; {contention}
- Versions: {versions}
- Command: `{cfg.command}` ({cfg.reps} repetitions, {cfg.duration} s per wrk/pgbench run);
  took {elapsed / 60:.1f} min

## Results

{markdown_table(header, body)}

{cells}

## Targets

{targets}

## Is the load generator the bottleneck?

{_loadgen(res, fsync_ms)}

## What an acknowledgement guarantees

{GUARANTEES}

## Methods

{_methods(cfg)}

## Notes from this run

""" + "\n".join(f"- {n}" for n in _pss_notes(res) + notes) + "\n"
    return text, md
