// The OpenAPI document and the docs page as the real server serves them:
// starts `datacooee serve` on a fresh database and a loopback port, fetches
// GET/HEAD /api/openapi.json and /api/docs without credentials, validates
// the document with @apidevtools/swagger-parser (schema and $refs), and
// checks that the page loads nothing from another host and that its
// Content-Security-Policy admits exactly its own inline script and style.
//
// Usage: node validate_openapi.mjs PATH/TO/datacooee
// Exits 0 when every check passes, 1 otherwise (never skips: a missing
// validator is a failure; scripts/install-deps installs it).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const failures = [];
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
}

let SwaggerParser;
try {
  SwaggerParser = createRequire(import.meta.url)("@apidevtools/swagger-parser");
} catch (e) {
  console.error("FAIL: @apidevtools/swagger-parser is not installed in tests/openapi/node_modules;");
  console.error("      run scripts/install-deps (it runs `npm ci --prefix tests/openapi`).");
  process.exit(1);
}

const binary = process.argv[2];
if (!binary) {
  console.error("usage: node validate_openapi.mjs PATH/TO/datacooee");
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), "datacooee-openapi-"));
const server = spawn(binary, ["serve", "--db", join(dir, "openapi.db"), "--listen", "127.0.0.1:0"],
                     { stdio: ["ignore", "pipe", "pipe"] });
let stderr = "";
server.stderr.on("data", (chunk) => { stderr += chunk; });

function stop() {
  if (server.exitCode === null) server.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
}

// The port from the server's "listening on http://127.0.0.1:PORT" line.
const port = await new Promise((resolve, reject) => {
  let out = "";
  const timer = setTimeout(() => reject(new Error("the server did not print its port in 10 s")), 10000);
  server.stdout.on("data", (chunk) => {
    out += chunk;
    const m = /listening on \S+:(\d+)/.exec(out);
    if (m) { clearTimeout(timer); resolve(Number(m[1])); }
  });
  server.on("exit", (code) => { clearTimeout(timer); reject(new Error(`the server exited (${code})`)); });
}).catch((e) => {
  console.error(`FAIL: ${e.message}\n--- server stderr ---\n${stderr}`);
  stop();
  process.exit(1);
});
const base = `http://127.0.0.1:${port}`;

try {
  // The document.
  const res = await fetch(`${base}/api/openapi.json`);
  check(res.status === 200, `GET /api/openapi.json answers 200 without credentials (got ${res.status})`);
  check((res.headers.get("content-type") || "").startsWith("application/json"),
        `/api/openapi.json is application/json (got ${res.headers.get("content-type")})`);
  const text = await res.text();
  const doc = JSON.parse(text);
  try {
    await SwaggerParser.validate(structuredClone(doc));
    check(true, `swagger-parser validates the document (OpenAPI ${doc.openapi})`);
  } catch (e) {
    check(false, `swagger-parser validates the document: ${e.message}`);
  }
  const head = await fetch(`${base}/api/openapi.json/`, { method: "HEAD" });
  check(head.status === 200 && Number(head.headers.get("content-length")) === Buffer.byteLength(text),
        "HEAD /api/openapi.json/ answers 200 with the GET's Content-Length");

  // What the document must describe, as users know the API.
  const paths = Object.keys(doc.paths);
  for (const p of ["/api/external/v1/inputs/{input_pk}/inputdata", "/api/external/v1/get_inputdata_by_inputs",
                   "/api/external/v1/get_latest_statistics_inputdata_by_asset", "/healthz", "/readyz",
                   "/metrics", "/api/openapi.json", "/api/docs"]) {
    check(paths.includes(p), `the document describes ${p}`);
  }
  const fetchParams = doc.paths["/api/external/v1/get_inputdata_by_inputs"].get.parameters
      .map((p) => (p.$ref ? doc.components.parameters[p.$ref.split("/").pop()] : p).name);
  for (const name of ["input_ids", "inputs_ids", "timeperiod_start", "timeperiod-start", "timeperiod_last",
                      "timeperiod-last", "limit", "order_by", "sort_by", "is_add_lat_long"]) {
    check(fetchParams.includes(name), `get_inputdata_by_inputs documents the parameter ${name}`);
  }

  // The page.
  const page = await fetch(`${base}/api/docs`);
  check(page.status === 200, `GET /api/docs answers 200 without credentials (got ${page.status})`);
  check((page.headers.get("content-type") || "").startsWith("text/html"),
        `/api/docs is text/html (got ${page.headers.get("content-type")})`);
  const html = await page.text();
  check(/<html/i.test(html) && html.includes("/api/openapi.json"), "the page is HTML that loads /api/openapi.json");
  // No src=, href= or url() to another host, nor any absolute http(s) URL.
  const external = html.match(/(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\/[^"'\s>]*/gi) || [];
  check(external.length === 0, `the page references no external URL (found: ${external.join(", ") || "none"})`);
  check(!/https?:\/\//i.test(html), "the page holds no http:// or https:// URL at all");
  const csp = page.headers.get("content-security-policy") || "";
  check(/default-src 'none'/.test(csp) && /connect-src 'self'/.test(csp),
        `the page has a tight Content-Security-Policy (${csp})`);
  for (const tag of ["script", "style"]) {
    const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(html);
    const hash = m && createHash("sha256").update(m[1], "utf8").digest("base64");
    check(m && csp.includes(`${tag}-src 'sha256-${hash}'`),
          `the CSP admits the page's inline <${tag}> by its hash`);
  }
  const pageHead = await fetch(`${base}/api/docs`, { method: "HEAD" });
  check(pageHead.status === 200 && (pageHead.headers.get("content-type") || "").startsWith("text/html"),
        "HEAD /api/docs answers 200 text/html");
} catch (e) {
  check(false, `unexpected error: ${e.stack || e}`);
} finally {
  stop();
}

if (failures.length) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log("all checks passed");
