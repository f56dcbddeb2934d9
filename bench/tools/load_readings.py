#!/usr/bin/env python3
"""Loads readings into a running datacooee server through the batch upload.

One float value per reading, 1 Hz timestamps from 2025-01-01T00:00:00Z, in
batches of up to 10,000 over one keep-alive connection. Standard library only.

usage: load_readings.py PORT ORG_ID API_KEY INPUT_ID COUNT
"""
import datetime
import http.client
import json
import sys
import time

BATCH = 10_000
START = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)


def main():
    port, org_id, api_key, input_id, count = sys.argv[1:6]
    port, count = int(port), int(count)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {
        "Content-Type": "application/vnd.api+json",
        "ORGANIZATION-ID": org_id,
        "ORGANIZATION-API-KEY": api_key,
    }
    path = f"/api/external/v1/inputs/{input_id}/inputdata/"
    began = time.monotonic()
    for first in range(0, count, BATCH):
        n = min(BATCH, count - first)
        items = []
        for i in range(first, first + n):
            ts = (START + datetime.timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
            value = (i * 7919 % 100_000) / 100
            items.append('{"type":"SensorData","attributes":{"value":%r,"timestamp":"%s"}}'
                         % (value, ts))
        body = '{"data":[' + ",".join(items) + "]}"
        conn.request("POST", path, body, headers)
        response = conn.getresponse()
        answer = response.read()
        if response.status != 201 or json.loads(answer)["meta"]["count"] != n:
            sys.exit(f"batch at {first}: HTTP {response.status} {answer[:200]!r}")
    elapsed = time.monotonic() - began
    print(f"loaded {count} readings in {elapsed:.1f} s ({count / elapsed:,.0f} readings/s)")


if __name__ == "__main__":
    main()
