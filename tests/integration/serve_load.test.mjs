// `hub serve` under load (issue 3, item 5): several hundred concurrent loopback clients doing
// metadata requests and ranged downloads of a large file, in waves, plus clients that hang up
// mid-download. Every response is checked, and the server's open file descriptors and resident
// memory must not grow between the end of a warm-up wave and the end of the run.
//
// Bounded in count and time: HUB_LOAD_CLIENTS (default 300), HUB_LOAD_WAVES (default 10),
// HUB_LOAD_SECONDS (default 25: no new wave starts after that), HUB_LOAD_LARGE_MB (default 256).
// Linux only (/proc); loopback only.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomFillSync } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";

import { FIXTURE_REPOS, startServer } from "./helpers/hub_serve.mjs";

const CLIENTS = Number(process.env.HUB_LOAD_CLIENTS ?? 300);
const WAVES = Number(process.env.HUB_LOAD_WAVES ?? 10);
const SECONDS = Number(process.env.HUB_LOAD_SECONDS ?? 25);
const LARGE_SIZE = Number(process.env.HUB_LOAD_LARGE_MB ?? 256) * 1024 * 1024;

const BIG_REPO = "acme/big";
const BIG_FILE = "large.bin";
const FIXTURE = "libhub/gpt2_lm"; // small files, one LFS shard, an index json
const NESTED = "libhub/minilm_st"; // folders
const MAX_RANGE = 1 << 20; // ranged GETs ask for 1 byte .. 1 MiB
const REQUEST_TIMEOUT_MS = 30_000;
const FD_SLACK = 1; // a descriptor opened for a moment by the server itself; never per connection
const RSS_SLACK_KB = 64 * 1024;

// Deterministic per run (so a failure can be replayed with HUB_LOAD_SEED), random across runs.
const SEED = Number(process.env.HUB_LOAD_SEED ?? Date.now() % 1_000_000);
let rngState = SEED >>> 0 || 1;
function rand() {
  // xorshift32: enough for picking ranges and request kinds.
  rngState ^= rngState << 13;
  rngState >>>= 0;
  rngState ^= rngState >>> 17;
  rngState ^= rngState << 5;
  rngState >>>= 0;
  return rngState / 2 ** 32;
}
const randInt = (n) => Math.floor(rand() * n);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// One HTTP exchange over `agent`; resolves with status, headers and the whole body.
function request(base, agent, method, urlPath, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const url = new URL(urlPath, base);
    const req = http.request(url, { method, agent, headers, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${urlPath}: no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on("error", (err) => reject(new Error(`${method} ${urlPath}: ${err.message}`)));
    req.end(body);
  });
}

function makeWritable(dir) {
  fs.chmodSync(dir, 0o755);
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) makeWritable(p);
    else fs.chmodSync(p, 0o644);
  }
}

function openFds(pid) {
  return fs.readdirSync(`/proc/${pid}/fd`).length;
}

// What each open fd is ("socket:[123]", a path, "anon_inode:[eventpoll]"), for failure messages.
function fdTargets(pid) {
  const counts = new Map();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    let target;
    try {
      target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`).replace(/^socket:\[\d+\]$/, "socket");
    } catch {
      continue; // closed meanwhile
    }
    counts.set(target, (counts.get(target) ?? 0) + 1);
  }
  return [...counts].map(([t, n]) => (n > 1 ? `${n} x ${t}` : t)).join(", ");
}

// Server sockets whose client has closed but the server has not (TCP state CLOSE_WAIT): once
// every client is gone, each one is a connection the server lost track of.
function closeWaitSockets(pid) {
  const inodes = new Set();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = fs.readlinkSync(`/proc/${pid}/fd/${fd}`).match(/^socket:\[(\d+)\]$/);
      if (m) inodes.add(m[1]);
    } catch {}
  }
  let n = 0;
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = fs.readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === "08" && inodes.has(cols[9])) n++;
    }
  }
  return n;
}

function rssKb(pid) {
  const m = fs.readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m);
  return m ? Number(m[1]) : 0;
}

// After every client hung up, waits (bounded) for the server to get back to `target` fds, so a
// connection still being torn down is not counted as a leak. Returns the last count seen.
async function settledFds(pid, target, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let n = openFds(pid);
  while (n > target && Date.now() < deadline) {
    await sleep(100);
    n = openFds(pid);
  }
  return n;
}

describe("hub serve under load", { skip: process.platform !== "linux" && "needs /proc" }, () => {
  let root;
  let server;
  let base;
  let large;
  let commit;
  const baseline = new Map(); // request key -> expected body (fetched before the load)
  const stats = { requests: 0, ranged: 0, rangedBytes: 0, aborted: 0, waves: 0 };

  // The metadata requests of the mix, each with the key of its expected body.
  const metadata = [
    { key: "info", method: "GET", path: `/api/models/${BIG_REPO}` },
    { key: "info-fixture", method: "GET", path: `/api/models/${FIXTURE}?blobs=true` },
    { key: "tree", method: "GET", path: `/api/models/${FIXTURE}/tree/main` },
    { key: "tree-recursive", method: "GET", path: `/api/models/${NESTED}/tree/main?recursive=true` },
    { key: "revision", method: "GET", path: `/api/models/${BIG_REPO}/revision/main` },
    {
      key: "paths-info",
      method: "POST",
      path: `/api/models/${FIXTURE}/paths-info/main`,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ paths: ["config.json", "model-00001-of-00002.safetensors", "nope"] }),
    },
  ];

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "hub-serve-load-"));
    fs.cpSync(FIXTURE_REPOS, root, { recursive: true });
    makeWritable(root); // the fixtures are read-only; the copy must be removable afterwards
    large = Buffer.allocUnsafe(LARGE_SIZE);
    randomFillSync(large);
    fs.mkdirSync(path.join(root, BIG_REPO), { recursive: true });
    fs.writeFileSync(path.join(root, BIG_REPO, BIG_FILE), large);
    fs.writeFileSync(path.join(root, BIG_REPO, "config.json"), '{"model_type": "bert"}\n');

    server = await startServer(["--repos", root, "--port", "0", "-q"]);
    base = server.url;

    // Expected answers, one request at a time before any load.
    const agent = new http.Agent({ keepAlive: false });
    for (const m of metadata) {
      const res = await request(base, agent, m.method, m.path, m);
      assert.equal(res.status, 200, `${m.method} ${m.path}: ${res.body}`);
      baseline.set(m.key, res.body);
    }
    const info = JSON.parse(baseline.get("info"));
    commit = info.sha;
    assert.match(commit, /^[0-9a-f]{40}$/);
    const sib = JSON.parse(baseline.get("info-fixture")).siblings;
    assert.ok(sib.length > 3);
    agent.destroy();
  });

  after(async () => {
    if (server) assert.equal(await server.stop(), 0, "hub serve must exit 0 on SIGTERM after the load");
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  // --- the client kinds ---------------------------------------------------------------------

  async function metadataRequest(agent) {
    const m = metadata[randInt(metadata.length)];
    const res = await request(base, agent, m.method, m.path, m);
    assert.equal(res.status, 200, `${m.method} ${m.path}`);
    assert.ok(res.body.equals(baseline.get(m.key)), `${m.method} ${m.path}: body differs from the one before the load`);
  }

  async function headResolve(agent) {
    const res = await request(base, agent, "HEAD", `/${BIG_REPO}/resolve/main/${BIG_FILE}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers["x-repo-commit"], commit);
    assert.equal(res.headers["content-length"], String(LARGE_SIZE));
    assert.equal(res.headers["x-linked-size"], String(LARGE_SIZE));
    assert.equal(res.body.length, 0);
  }

  async function rangedGet(agent) {
    const length = 1 + randInt(MAX_RANGE);
    const first = randInt(LARGE_SIZE - length + 1);
    const last = first + length - 1;
    // Half by commit id (what clients do after resolving), half by branch.
    const rev = rand() < 0.5 ? commit : "main";
    const res = await request(base, agent, "GET", `/${BIG_REPO}/resolve/${rev}/${BIG_FILE}`, {
      headers: { range: `bytes=${first}-${last}` },
    });
    assert.equal(res.status, 206, `bytes=${first}-${last}`);
    assert.equal(res.headers["content-range"], `bytes ${first}-${last}/${LARGE_SIZE}`);
    assert.equal(res.body.length, length, `bytes=${first}-${last}: length`);
    assert.ok(res.body.equals(large.subarray(first, last + 1)), `bytes=${first}-${last}: content differs`);
    stats.ranged++;
    stats.rangedBytes += length;
  }

  // A download the client abandons: reads a little of the whole file, then resets the socket.
  function abandonedDownload() {
    return new Promise((resolve, reject) => {
      const url = new URL(`/${BIG_REPO}/resolve/main/${BIG_FILE}`, base);
      const sock = net.connect(Number(url.port), url.hostname);
      const wanted = 1 + randInt(4 << 20);
      let got = 0;
      sock.setTimeout(REQUEST_TIMEOUT_MS, () => sock.destroy(new Error("abandoned download: no bytes")));
      sock.on("connect", () =>
        sock.write(`GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive\r\n\r\n`),
      );
      sock.on("data", (d) => {
        got += d.length;
        if (got >= wanted) {
          stats.aborted++;
          sock.resetAndDestroy(); // RST: the server's next write fails
          resolve();
        }
      });
      sock.on("error", reject);
      sock.on("close", () => (got >= wanted ? resolve() : reject(new Error(`abandoned download: closed after ${got} bytes`))));
    });
  }

  // A client that sends half a request (or a whole one) and hangs up without reading the answer.
  function hangUp() {
    return new Promise((resolve) => {
      const url = new URL(`/${BIG_REPO}/resolve/main/${BIG_FILE}`, base);
      const sock = net.connect(Number(url.port), url.hostname);
      const whole = rand() < 0.5;
      sock.on("connect", () => {
        sock.write(
          whole
            ? `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nRange: bytes=0-\r\n\r\n`
            : `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nRa`,
        );
        setTimeout(() => {
          stats.aborted++;
          sock.destroy();
        }, randInt(50));
      });
      sock.on("error", () => {});
      sock.on("close", () => resolve());
    });
  }

  // One client of a wave: a few requests on a keep-alive connection, mostly metadata and ranges.
  async function client(agent, i) {
    if (i % 25 === 0) return abandonedDownload();
    if (i % 25 === 1) return hangUp();
    const n = 2 + randInt(4);
    for (let k = 0; k < n; k++) {
      const p = rand();
      if (p < 0.45) await metadataRequest(agent);
      else if (p < 0.6) await headResolve(agent);
      else await rangedGet(agent);
      stats.requests++;
    }
  }

  async function wave() {
    const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS * 2, maxFreeSockets: CLIENTS * 2 });
    try {
      await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(agent, i)));
    } finally {
      agent.destroy(); // every connection closes: what the server still holds afterwards is a leak
    }
    stats.waves++;
  }

  test("hundreds of clients: every answer right, no fd or memory growth", { timeout: 120_000 }, async () => {
    const pid = server.proc.pid;
    const started = Date.now();
    const idleFds = openFds(pid);

    await wave(); // warm-up: thread stacks, allocator arenas, page cache of the large file
    const warmFds = await settledFds(pid, idleFds);
    const warmRss = rssKb(pid);
    assert.ok(warmFds <= idleFds + FD_SLACK, `after the warm-up wave the server holds ${warmFds} fds, ${idleFds} before it`);

    for (let w = 1; w < WAVES && Date.now() - started < SECONDS * 1000; w++) await wave();

    const endFds = await settledFds(pid, warmFds);
    const endRss = rssKb(pid);
    const summary =
      `seed ${SEED}: ${stats.waves} waves of ${CLIENTS} clients, ${stats.requests} requests ` +
      `(${stats.ranged} ranged GETs, ${(stats.rangedBytes / 2 ** 20).toFixed(0)} MiB), ${stats.aborted} hang-ups ` +
      `in ${((Date.now() - started) / 1000).toFixed(1)} s; fds ${idleFds} idle, ${warmFds} after warm-up, ${endFds} at the end; ` +
      `RSS ${(warmRss / 1024).toFixed(1)} MiB after warm-up, ${(endRss / 1024).toFixed(1)} MiB at the end`;
    console.log(summary);
    assert.ok(stats.waves >= 2, `only ${stats.waves} wave(s) ran: ${summary}`);
    assert.equal(closeWaitSockets(pid), 0, `connections closed by their clients are still open in the server: ${summary}`);
    assert.ok(endFds <= warmFds + FD_SLACK, `file descriptors grew: ${summary}; open now: ${fdTargets(pid)}`);
    assert.ok(endRss - warmRss < RSS_SLACK_KB, `resident memory grew by more than 64 MiB: ${summary}`);

    // Still serving, and the large file is still whole.
    const agent = new http.Agent({ keepAlive: false });
    const full = await request(base, agent, "GET", `/${BIG_REPO}/resolve/${commit}/${BIG_FILE}`);
    assert.equal(full.status, 200);
    assert.ok(full.body.equals(large), "the whole large file differs after the load");
    agent.destroy();
  });
});
