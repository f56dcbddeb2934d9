#!/usr/bin/env python3
"""One hostile client: a valid upload head with Transfer-Encoding: chunked,
then "5;" and SIZE bytes of "a" with no line end, in 1 MiB writes, until the
server answers or closes. Samples the server's RSS and CPU time meanwhile.

  chunk_line.py PORT PID ORG_ID API_KEY INPUT_ID [SIZE_MIB]   (default 1024)

Prints what the server answered and when, the MiB sent, its peak RSS and
the CPU seconds it used."""
import os
import socket
import sys
import time

port, pid, org, key, input_id = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
size_mib = int(sys.argv[6]) if len(sys.argv) > 6 else 1024
ticks = os.sysconf("SC_CLK_TCK")


def rss_mib():
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds():
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / ticks


head = (f"POST /api/external/v1/inputs/{input_id}/inputdata/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"content-type: application/vnd.api+json\r\norganization-id: {org}\r\n"
        f"organization-api-key: {key}\r\nTransfer-Encoding: chunked\r\n\r\n5;").encode()
block = b"a" * (1024 * 1024)
connection = socket.create_connection(("127.0.0.1", port))
connection.settimeout(0)
start, cpu_start, rss_start = time.monotonic(), cpu_seconds(), rss_mib()
peak, sent, answer, answered_after = rss_start, 0, b"", None
connection.sendall(head)
while sent < size_mib * 1024 * 1024:
    try:
        sent += connection.send(block)
    except BlockingIOError:
        time.sleep(0.001)
    except (BrokenPipeError, ConnectionResetError):
        break
    try:
        got = connection.recv(65536)
        if got and answered_after is None:
            answered_after = time.monotonic() - start
        answer += got
        if got == b"":
            break
    except BlockingIOError:
        pass
    peak = max(peak, rss_mib())
elapsed = time.monotonic() - start
status = answer.split(b"\r\n", 1)[0].decode(errors="replace") if answer else "no answer"
print(f"answer: {status}" + (f" after {answered_after:.3f} s" if answered_after else ""))
print(f"sent: {sent / 1048576:.0f} MiB in {elapsed:.1f} s")
print(f"server RSS: {rss_start:.0f} MiB before, peak {peak:.0f} MiB")
print(f"server CPU: {cpu_seconds() - cpu_start:.2f} s")
