"""Runs wrk with one of bench/wrk's scripts and reads its RESULT line, along
with the CPU that wrk itself used (its rusage), so a run can show whether the
load generator had room to spare."""
import os
import resource
import subprocess
import time

WRK_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "wrk")


def run(script, port, env, connections, threads, seconds):
    """Returns a dict: rate (2xx answers/s), p50_ms, p99_ms, errors (non-2xx
    and socket errors), loadgen_cores (wrk's CPU time / wall time)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.monotonic()
    done = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
         "-s", os.path.join(WRK_DIR, script), f"http://127.0.0.1:{port}"],
        env={**os.environ, **{k: str(v) for k, v in env.items()}},
        capture_output=True, text=True)
    wall = time.monotonic() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next((l for l in done.stdout.splitlines() if l.startswith("RESULT ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk {script} failed:\n{done.stdout}\n{done.stderr}")
    f = {k: int(v) for k, v in (kv.split("=") for kv in line.split()[1:])}
    duration = f["duration_us"] / 1e6
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {
        "rate": (f["requests"] - f["non2xx"]) / duration,
        "p50_ms": f["p50_us"] / 1000,
        "p99_ms": f["p99_us"] / 1000,
        "errors": f["non2xx"] + f["socket_errors"],
        "loadgen_cores": cpu / wall,
    }
