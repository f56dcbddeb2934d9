#!/usr/bin/env bash
# Runs the upload samples of the public API reference (curl, Python
# http.client, Node.js) against the real server, each of which must print a
# body equal to the reference's 201 answer. The ids and key come from a
# fresh organisation and input made with the CLI.
#
#   run_reference_samples.sh PATH/TO/datacooee          over HTTP: the host
#       becomes a loopback port (https -> http)
#   run_reference_samples.sh PATH/TO/datacooee --https  over HTTPS, with the
#       samples' own URLs: in a private network and mount namespace
#       (unshare, as root), cloud.mydata.management resolves to 127.0.0.1
#       through an /etc/hosts line, the server listens on 127.0.0.1:443 with
#       a certificate made here by openssl, and each client verifies it
#       against that certificate (CURL_CA_BUNDLE, SSL_CERT_FILE,
#       NODE_EXTRA_CA_CERTS): nothing of the samples changes but ids and key.
set -euo pipefail

BIN=${1:?usage: $0 PATH/TO/datacooee [--https]}
MODE=${2:-http}
if [[ $MODE == --https && -z ${DATACOOEE_SAMPLES_NAMESPACE:-} ]]; then
  command -v unshare >/dev/null || { echo "FAIL: unshare (util-linux) is needed" >&2; exit 1; }
  exec env DATACOOEE_SAMPLES_NAMESPACE=1 unshare --mount --net -- bash "$0" "$@"
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/datacooee-samples-XXXXXX")
SERVER_PID=
cleanup() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  if [[ -f $TMP/server.err ]]; then
    echo "--- server stderr ---" >&2
    cat "$TMP/server.err" >&2
  fi
  exit 1
}

HOST=cloud.mydata.management
LISTEN=127.0.0.1:0
SERVE_TLS=()
if [[ $MODE == --https ]]; then
  ip link set lo up || fail "cannot bring up loopback in the network namespace"
  printf '127.0.0.1 localhost\n127.0.0.1 %s\n' "$HOST" >"$TMP/hosts"
  mount --bind "$TMP/hosts" /etc/hosts || fail "cannot bind-mount a hosts file"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=$HOST" -addext "subjectAltName=DNS:$HOST" \
    -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>"$TMP/openssl.err" ||
    fail "openssl could not make a certificate: $(cat "$TMP/openssl.err")"
  LISTEN=127.0.0.1:443
  SERVE_TLS=(--tls-cert "$TMP/cert.pem" --tls-key "$TMP/key.pem")
fi

DB=$TMP/samples.db
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

ORG_JSON=$("$BIN" org create --db "$DB" --name "Reference samples")
ORG_ID=$(json_field id <<<"$ORG_JSON")
API_KEY=$(json_field api_key <<<"$ORG_JSON")
INPUT_JSON=$("$BIN" input create --db "$DB" --org "$ORG_ID" --name "Sample input")
INPUT_ID=$(json_field id <<<"$INPUT_JSON")

"$BIN" serve --db "$DB" --listen "$LISTEN" "${SERVE_TLS[@]}" >"$TMP/server.out" 2>"$TMP/server.err" &
SERVER_PID=$!
PORT=
for _ in $(seq 200); do
  if LINE=$(grep -m1 'listening on' "$TMP/server.out" 2>/dev/null); then
    PORT=${LINE##*:}
    break
  fi
  kill -0 "$SERVER_PID" 2>/dev/null || fail "the server exited before listening"
  sleep 0.05
done
[[ -n $PORT ]] || fail "the server did not print its port within 10 s"
echo "server on port $PORT; org $ORG_ID; input $INPUT_ID"

# The reference's samples, verbatim; `localize` swaps in the host, ids and
# key.
cat >"$TMP/sample.sh" <<'EOF'
curl --request POST \
  --url https://cloud.mydata.management/api/external/v1/inputs/senxxxxxxxxxx/inputdata/ \
  --header 'content-type: application/vnd.api+json' \
  --header 'organization-id: ZnlvcWXXXXXXXXXXXXXXXXXXXX5ieXVieHgudng=' \
  --header 'organization-api-key: f13d34bxxxxxxxxxxxxxxxxxxxa5da135d61' \
  --data '{"data":{"type":"SensorData", "id": "null", "attributes": { "value": "12.5", "timestamp": "2020-10-13T14:02:39.489Z"}, "relationships": { "sensor": { "data": { "type": "Sensor", "id": "senxxxxxxxxxx" }}}}}'
EOF

cat >"$TMP/sample.py" <<'EOF'
import http.client

conn = http.client.HTTPSConnection("cloud.mydata.management")

payload = '{"data":{"type":"SensorData", "id": "null", "attributes": { "value": "12.5", "timestamp": "2020-10-13T14:02:39.489Z"}, "relationships": { "sensor": { "data": { "type": "Sensor", "id": "senxxxxxxxxxx" }}}}}'

headers = {
    'accept': "application/vnd.api+json",
    'organization-id': "ZnlvcWXXXXXXXXXXXXXXXXXXXX5ieXVieHgudng=",
    'organization-api-key': "f13d34bxxxxxxxxxxxxxxxxxxxa5da135d61",
    'content-type': "application/vnd.api+json"
    }

conn.request("POST", "/api/external/v1/inputs/senxxxxxxxxxx/inputdata/", payload, headers)

res = conn.getresponse()
data = res.read()

print(data.decode("utf-8"))
EOF

cat >"$TMP/sample.js" <<'EOF'
var http = require("https");

var options = {
  "method": "POST",
  "hostname": "cloud.mydata.management",
  "port": null,
  "path": "/api/external/v1/inputs/senxxxxxxxxxx/inputdata/",
  "headers": {
    "organization-id": "ZnlvcWXXXXXXXXXXXXXXXXXXXX5ieXVieHgudng=",
    "organization-api-key": "f13d34bxxxxxxxxxxxxxxxxxxxa5da135d61",
    "content-type": "application/vnd.api+json"
  }  
};

var data = {
  "data": {
    "type": "SensorData",
    "id": "null",
    "attributes": {
      "value": "12.5",
      "timestamp": "2020-10-13T14:02:39.489Z"
    },
    "relationships": {
      "sensor": {
        "data": {
          "type": "Sensor",
          "id": "senxxxxxxxxxx"
        }
      }
    }
  }
};


var req = http.request(options, function (res) {
  var chunks = [];

  res.on("data", function (chunk) {
    chunks.push(chunk);
  });

  res.on("end", function () {
    var body = Buffer.concat(chunks);
    console.log(body.toString());
  });
});

req.write(JSON.stringify(data));
req.end();
EOF

# Replaces the reference's placeholders in FILE (in place). Python, not sed:
# the organisation id may hold '/' and '+'.
localize() {
  ORG_ID=$ORG_ID API_KEY=$API_KEY INPUT_ID=$INPUT_ID PORT=$PORT MODE=$MODE python3 - "$1" <<'EOF'
import os, sys
path = sys.argv[1]
text = open(path).read()
port = os.environ["PORT"]
swaps = [] if os.environ["MODE"] == "--https" else [
    ("https://cloud.mydata.management", "http://127.0.0.1:" + port),         # curl
    ('http.client.HTTPSConnection("cloud.mydata.management")',
     'http.client.HTTPConnection("127.0.0.1", ' + port + ')'),               # Python
    ('require("https")', 'require("http")'),                                 # Node.js
    ('"hostname": "cloud.mydata.management"', '"hostname": "127.0.0.1"'),
    ('"port": null', '"port": ' + port),
]
swaps += [
    ("ZnlvcWXXXXXXXXXXXXXXXXXXXX5ieXVieHgudng=", os.environ["ORG_ID"]),
    ("f13d34bxxxxxxxxxxxxxxxxxxxa5da135d61", os.environ["API_KEY"]),
    ("senxxxxxxxxxx", os.environ["INPUT_ID"]),
]
for old, new in swaps:
    text = text.replace(old, new)
assert "xxxxxxxxxx" not in text, text
assert os.environ["MODE"] == "--https" or "cloud.mydata.management" not in text, text
open(path, "w").write(text)
EOF
}

# Checks that FILE holds the reference's 201 body for this input.
check_body() {
  INPUT_ID=$INPUT_ID python3 - "$1" <<'EOF'
import json, os, sys
text = open(sys.argv[1]).read()
try:
    body = json.loads(text)
except ValueError:
    sys.exit("not JSON: %r" % text)
data = body.get("data", {}) if isinstance(body, dict) else {}
reading_id = data.get("id")
if not (isinstance(reading_id, str) and reading_id.isdigit()):
    sys.exit("data.id is not a numeric string: %r" % text)
expected = {
    "data": {
        "type": "SensorData",
        "id": reading_id,
        "attributes": {"timestamp": "2020-10-13T14:02:39.489000Z", "value": "12.5"},
        "relationships": {"sensor": {"data": {"type": "Sensor", "id": os.environ["INPUT_ID"]}}},
    }
}
if body != expected:
    sys.exit("body %s\n  differs from %s" % (json.dumps(body), json.dumps(expected)))
print("  ok: " + json.dumps(body))
EOF
}

run_sample() {  # NAME COMMAND...
  local name=$1
  shift
  echo "$name sample:"
  if ! timeout 30 "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"; then
    cat "$TMP/$name.err" >&2
    fail "the $name sample failed"
  fi
  check_body "$TMP/$name.out" || fail "the $name sample did not print the reference's 201 body"
}

localize "$TMP/sample.sh"
localize "$TMP/sample.py"
localize "$TMP/sample.js"

command -v curl >/dev/null || fail "curl is not installed"
if [[ $MODE == --https ]]; then
  # Each client verifies the server against the certificate made above, and
  # only because it is told to trust it: without that, curl refuses.
  if curl -sS --max-time 10 "https://$HOST/healthz" >/dev/null 2>"$TMP/untrusted.err"; then
    fail "curl accepted a certificate it was not told to trust"
  fi
  grep -qi "certificate" "$TMP/untrusted.err" ||
    fail "curl failed, but not on the certificate: $(cat "$TMP/untrusted.err")"
  export CURL_CA_BUNDLE=$TMP/cert.pem SSL_CERT_FILE=$TMP/cert.pem NODE_EXTRA_CA_CERTS=$TMP/cert.pem
fi
run_sample curl bash "$TMP/sample.sh"
run_sample python python3 "$TMP/sample.py"
if command -v node >/dev/null; then
  run_sample node node "$TMP/sample.js"
else
  echo "SKIPPED: the Node.js sample (node is not installed)"
fi

# All three were the same reading: one row, replaced in place.
kill -TERM "$SERVER_PID"
STATUS=0
wait "$SERVER_PID" || STATUS=$?
SERVER_PID=
[[ $STATUS -eq 0 ]] || fail "the server exited with status $STATUS after SIGTERM"
echo "all reference samples passed"
