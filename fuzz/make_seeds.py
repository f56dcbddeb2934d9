#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/corpus/ from the reference's examples.

Run from anywhere; rewrites fuzz/corpus/*/ (files are named by content hash,
as libFuzzer names its own). The request seeds follow request_fuzzer.cc's
FuzzedDataProvider layout: strings from the front, choices from the back.

The reading-block and ingest-log seeds come from encoders of those formats
written here after src/storage/sqlite/reading_block.h and
ingest_log_record.h; a seed the C++ decoder refuses would only start the
fuzzer from garbage, so keep them in step with the format.
"""
import hashlib
import json
import pathlib
import struct
import zlib

CORPUS = pathlib.Path(__file__).resolve().parent / "corpus"
INPUT = "senxxxxxxxxxx"  # the reference's INPUT_ID, also the fuzzers' input


def reading(value="12.5", ts="2020-10-13T14:02:39.489Z", lat="40.730610", lon="-73.935242",
            **extra):
    attributes = {"value": value, "timestamp": ts}
    if lat is not None:
        attributes["latitude"] = lat
    if lon is not None:
        attributes["longitude"] = lon
    attributes.update(extra)
    return {"type": "SensorData", "id": "null", "attributes": attributes,
            "relationships": {"sensor": {"data": {"type": "Sensor", "id": INPUT}}}}


UPLOADS = [
    # The reference's JSON sample with its example values, as curl sends it.
    json.dumps({"data": reading()}, indent=2),
    json.dumps({"data": reading(value=12.5, lat=40.73061, lon=-73.935242)}),
    json.dumps({"data": reading(value="-3e2", ts="2020-10-13 14:02:39", lat=None, lon=None)}),
    json.dumps({"data": dict(reading(ts="2020-10-13T14:02:39.489+02:00", x_axis_value="rpm",
                                     metadata={"site": "north", "n": [1, 2]}), id=None)}),
    json.dumps({"data": [reading(value=str(i), ts=f"2020-10-13T14:0{i}:00Z") for i in range(3)]}),
    json.dumps({"data": [reading(value=1, x_axis_value=7), reading(value=2, lat=None)]}),
]

TIMESTAMPS = [
    "2020-10-13T14:02:39.489Z", "2020-10-03 15:31:55", "2020-11-03", "2020-10-03",
    "2020-10-13T14:02:39.489+02:00", "2020-10-13t14:02:39.123456789z",
    "2020-10-13T14:02:39-05:30", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z",
    "2020-10-13T14:02:39.489000Z",
]

QUERIES = [
    # The reference's fetch examples, after the '?', as a browser sends them.
    'inputs_ids="senXXXX,senXXXY,senXXXZ"&timeperiod_start="2020-10-03 15:31:55"'
    '&timeperiod_finish="2020-11-03 15:31:55"&order_by="timestamp"&sort_by="desc"',
    'inputs_ids="senXXXX,senXXXY,senXXXZ"&timeperiod_last="5_days"&order_by="timestamp"'
    '&sort_by="desc"',
    'inputs_ids="senXXXX,senXXXY,senXXXZ"&timeperiod_start="2020-10-03 15:31:55"'
    '&timeperiod_finish="2020-11-03 15:31:55"&aggregation_func="min,max,avg"',
    'inputs_ids="senXXXX,senXXXY,senXXXZ"&timeperiod_last="5_days"&aggregation_func="min,max,avg"',
    'asset_id="67"&timeperiod_start="2020-10-03 15:31:55"&timeperiod_finish="2020-11-03 15:31:55"'
    '&order_by="timestamp"&sort_by="desc"',
    'asset_id="67"&timeperiod_last="5_days"&order_by="timestamp"&sort_by="desc"',
    'asset_id="67"&timeperiod_last="5_days"&aggregation_func="min,max,avg"',
    # The docs/api.md extensions and spellings.
    "input_ids=senxxxxxxxxxx&limit=5&is_add_lat_long=true&is_add_x_axis_data=1"
    "&is_add_metadata=false&order_by=value&sort_by=asc",
    "input_ids=senxxxxxxxxxx&timeperiod-start=2020-10-03&timeperiod-finish=2020-10-13T14%3A02%3A39"
    "%2B02%3A00&aggregation_func=sum,count,first,last&interval=1_hour&limit=100",
    "input_ids=senxxxxxxxxxx&timeperiod-last=2_weeks&interval=15_minutes",
]


# Storage formats: a reading is (id, timestamp in microseconds, value, extras)
# where extras may hold lat, lon, x_axis and metadata.
TS = 1_602_597_759_489_000  # 2020-10-13T14:02:39.489Z
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def zigzag(n):
    return ((n << 1) ^ (n >> 63)) & (2**64 - 1)


def wrapped(n):
    """n as the int64 it wraps to, as the C++ subtraction of two int64 does."""
    return (n + 2**63) % 2**64 - 2**63


def extras(lat=None, lon=None, x_axis="", metadata="", empty_texts=False):
    flags = ((lat is not None) | (lon is not None) << 1 | bool(x_axis) << 2
             | bool(metadata) << 3)
    if empty_texts:
        # Both texts flagged present with length 0: read as absent, never
        # written so.
        return bytes([flags | 4 | 8]) + struct.pack("<II", 0, 0)
    out = bytes([flags])
    for number in (lat, lon):
        if number is not None:
            out += struct.pack("<d", number)
    for text in (x_axis, metadata):
        if text:
            out += struct.pack("<I", len(text.encode())) + text.encode()
    return out


def block(readings):
    out = bytes([1]) + varint(len(readings))
    previous_ts = previous_id = 0
    for i, (rid, ts, value, extra) in enumerate(readings):
        out += varint(zigzag(ts) if i == 0 else ts - previous_ts)
        out += varint(zigzag(wrapped(rid - previous_id)))
        out += struct.pack("<d", value) + extras(**extra)
        previous_ts, previous_id = ts, rid
    return out


def log_record(seq, batches):
    """batches: (input_pk, readings) pairs."""
    payload = struct.pack("<QI", seq, len(batches))
    for input_pk, readings in batches:
        payload += struct.pack("<qI", input_pk, len(readings))
        for rid, ts, value, extra in readings:
            payload += struct.pack("<qqd", ts, rid, value) + extras(**extra)
    return struct.pack("<II", len(payload), zlib.crc32(payload)) + payload


EVERY_EXTRA = dict(lat=40.730610, lon=-73.935242, x_axis='"rpm"',
                   metadata='{"site":"Zürich","note":"say \\"hi\\""}')
MIXED = [(7, TS, 12.5, {}), (3, TS + 1, -0.0, dict(lat=40.730610)),
         (9, TS + 2, 5e-324, dict(lon=-73.935242)), (8, TS + 1_000_000, 1e308, dict(x_axis="7")),
         (100, TS + 2_000_000, -3e2, dict(metadata='{"n":[1,2]}')),
         (101, TS + 3_000_000, float("nan"), EVERY_EXTRA)]

BLOCKS = [
    block([(1, TS, 12.5, {})]),
    block([(1000 + i, TS + i * 1_000_000, 20 + i / 4, {}) for i in range(256)]),
    block(MIXED),
    block([(1, -62_135_596_800_000_000, 1.0, {}), (2, -1, 2.0, {}), (3, 0, 3.0, {})]),
    block([(INT64_MAX, INT64_MIN, 0.0, {}), (INT64_MIN, INT64_MAX, 1.0, {})]),
    block([(1, TS, 1.0, {}), (2, TS + 1, 2.0, dict(empty_texts=True))]),
]

LOGS = [
    log_record(1, [(1, [(1, TS, 12.5, {})])]),
    log_record(41, [(7, MIXED), (9, [])]) + log_record(42, [(8, MIXED[:2])]),
    # What a crash leaves: a whole record, then the start of the next.
    log_record(43, [(7, MIXED[:3])]) + log_record(44, [(7, MIXED[3:])])[:30],
    log_record(45, [(7, [(1, TS, 1.0, {}), (2, TS + 1, 2.0, dict(empty_texts=True))])]),
]


def write(harness, data):
    folder = CORPUS / harness
    folder.mkdir(parents=True, exist_ok=True)
    data = data.encode() if isinstance(data, str) else data
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


# request_fuzzer choices, in the order the harness consumes them.
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "BREW"]
UPLOAD, MQTT_UPLOAD, FETCH = 0, 1, 3  # FETCH + i is the i-th fetch path
FETCH_PATHS = ["get_inputdata_by_inputs", "get_latest_inputdata_by_inputs",
               "get_statistics_inputdata_by_inputs", "get_latest_statistics_inputdata_by_inputs",
               "get_inputdata_by_asset", "get_latest_inputdata_by_asset",
               "get_statistics_inputdata_by_asset", "get_latest_statistics_inputdata_by_asset"]
VALID, VALID_UNDERSCORE, NO_CREDENTIALS = 0, 1, 4
JSONAPI, JSON, JSON_CHARSET, TEXT, NO_CONTENT_TYPE = 0, 1, 2, 4, 7


def request(method, path, query="", body="", credentials=VALID, content_type=JSONAPI, slash=1):
    # ConsumeRandomLengthString: a backslash doubles; backslash + other ends.
    front = query.replace("\\", "\\\\").encode() + b"\\\n" + body.encode()
    back = bytes([content_type, credentials, slash, path, METHODS.index(method)])
    return front + back


ORG_ID = "ZnlvcWXXXXXXXXXXXXXXXXXXXX5ieXVieHgudng="  # fuzz_server.h's credentials
API_KEY = "f13d34bxxxxxxxxxxxxxxxxxxxa5da135d61"
CREDENTIALS = f"organization-id: {ORG_ID}\r\norganization-api-key: {API_KEY}\r\n"
UPLOAD_HEAD = (f"POST /api/external/v1/inputs/{INPUT}/inputdata/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               "content-type: application/vnd.api+json\r\n" + CREDENTIALS)


def chunked(body, size=16, extension="", trailer=""):
    out = ""
    for at in range(0, len(body), size):
        part = body[at:at + size]
        out += f"{len(part):x}{extension}\r\n{part}\r\n"
    return out + "0\r\n" + trailer + "\r\n"


def stream_seeds():
    """Raw connections for stream_fuzzer: plain HTTP, then one zero byte
    (no extra splits)."""
    body = UPLOADS[0]
    fetch = (f"GET /api/external/v1/get_latest_inputdata_by_inputs?input_ids={INPUT} HTTP/1.1\r\n"
             f"Host: 127.0.0.1\r\n{CREDENTIALS}\r\n")
    health = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    streams = [
        UPLOAD_HEAD + f"Content-Length: {len(body)}\r\n\r\n" + body,
        UPLOAD_HEAD + "Transfer-Encoding: chunked\r\n\r\n" + chunked(body),
        UPLOAD_HEAD + "Transfer-Encoding: chunked\r\n\r\n"
        + chunked(body, 7, ";name=value", "X-Sum: 1\r\n"),
        UPLOAD_HEAD + "Transfer-Encoding: gzip, chunked\r\n\r\n" + chunked(body),
        UPLOAD_HEAD + "Transfer-Encoding: xchunked\r\n\r\n" + health,
        UPLOAD_HEAD + f"Expect: 100-continue\r\nContent-Length: {len(body)}\r\n\r\n" + body,
        fetch + health + "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n" + fetch,
        "\r\n" + health + "GET http://127.0.0.1/readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "GET /healthz HTTP/1.0\r\n\r\n",
        health.replace("\r\n", "\n"),
    ]
    return [s.encode() + b"\0" for s in streams]


def main():
    for data in stream_seeds():
        write("stream_fuzzer", data)
    for body in UPLOADS:
        write("upload_body_fuzzer", body)
    for ts in TIMESTAMPS:
        write("timestamp_fuzzer", ts)
    for query in QUERIES:
        write("fetch_query_fuzzer", query)
    for data in BLOCKS:
        write("reading_block_fuzzer", data)
    for data in LOGS:
        write("ingest_log_fuzzer", data)

    own = [q.replace("senXXXX,senXXXY,senXXXZ", INPUT) for q in QUERIES]
    requests = [
        request("POST", UPLOAD, body=UPLOADS[0]),
        request("POST", UPLOAD, body=UPLOADS[1], credentials=VALID_UNDERSCORE,
                content_type=JSON_CHARSET, slash=0),
        request("POST", UPLOAD, body=UPLOADS[4], content_type=JSON),
        request("POST", UPLOAD, body=UPLOADS[3], content_type=TEXT),
        request("POST", UPLOAD, body=UPLOADS[0], content_type=NO_CONTENT_TYPE),
        request("POST", MQTT_UPLOAD, body=UPLOADS[0]),
        request("POST", UPLOAD, body=UPLOADS[0], credentials=NO_CREDENTIALS),
        request("PUT", UPLOAD, body=UPLOADS[0]),
        request("GET", FETCH + 0, own[0]),
        request("GET", FETCH + 1, own[1], credentials=VALID_UNDERSCORE),
        request("GET", FETCH + 2, own[2], content_type=JSON),
        request("GET", FETCH + 3, own[3], slash=0),
        request("GET", FETCH + 4, own[4]),
        request("HEAD", FETCH + 5, own[5]),
        request("GET", FETCH + 6, own[6]),
        request("GET", FETCH + 7, own[6] + "&interval=1_day"),
        request("GET", FETCH + 0, own[7]),
        request("GET", FETCH + 2, own[8]),
        request("GET", FETCH + 0, own[0], credentials=NO_CREDENTIALS),
        request("POST", FETCH + 0, own[0]),
    ]
    for data in requests:
        write("request_fuzzer", data)


if __name__ == "__main__":
    main()
