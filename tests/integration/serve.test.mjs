// `hub serve` against the protocol (docs: hub-protocol.md §2, §4, §11, §12, checklist C1-C27):
// a folder of repos (the fixtures, plus temporary repos for edge cases) and an HF cache built
// here. Only loopback traffic.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { FIXTURE_REPOS, TOKEN, gitBlobSha1, lfsPointer, sha256, startServer } from "./helpers/hub_serve.mjs";

const REPO = "libhub/gpt2_lm";
const REPO_DIR = path.join(FIXTURE_REPOS, REPO);
const CONFIG = fs.readFileSync(path.join(REPO_DIR, "config.json"));
const LFS_NAME = "model-00001-of-00002.safetensors";
const LFS = fs.readFileSync(path.join(REPO_DIR, LFS_NAME));
const NESTED = "libhub/minilm_st"; // has folders 1_Pooling/ and 2_Normalize/

const HEX40 = /^[0-9a-f]{40}$/;

// Every file below `dir`, repo-relative, '/'-separated.
function listFiles(dir, prefix = "") {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(path.join(dir, e.name), rel));
    else out.push(rel);
  }
  return out.sort();
}

async function json(res) {
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  return res.json();
}

function assertError(res, status, code) {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status}`);
  if (code) assert.equal(res.headers.get("x-error-code"), code);
  assert.ok(res.headers.get("x-error-message"), "X-Error-Message must be set on errors");
}

// Follows Link rel="next" pages; returns [entries, pages, linkHeaders].
async function listAllPages(url, headers = {}) {
  const entries = [];
  const links = [];
  let pages = 0;
  for (let next = url; next; ) {
    const res = await fetch(next, { headers });
    assert.equal(res.status, 200);
    entries.push(...(await res.json()));
    pages++;
    const link = res.headers.get("link");
    links.push(link);
    next = null;
    if (link) {
      const m = link.match(/<(https?:\/\/[^>]+)>;\s+rel="next"/);
      assert.ok(m, `Link header must be absolute with whitespace after ';': ${link}`);
      next = m[1];
    }
    assert.ok(pages < 1000, "pagination does not end");
  }
  return [entries, pages, links];
}

describe("hub serve --repos (fixtures)", () => {
  let server;
  let base;
  let commit;

  before(async () => {
    server = await startServer(["--repos", FIXTURE_REPOS, "--port", "0", "-q"]);
    base = server.url;
    const info = await json(await fetch(`${base}/api/models/${REPO}`));
    commit = info.sha;
  });
  after(async () => {
    assert.equal(await server?.stop(), 0, "hub serve must exit 0 on SIGTERM");
  });

  test("C1: repo info has a 40-hex sha and every file as a sibling", async () => {
    const res = await fetch(`${base}/api/models/${REPO}`);
    assert.equal(res.status, 200);
    const info = await json(res);
    assert.match(info.sha, HEX40);
    assert.equal(info.id, REPO);
    assert.ok(info._id);
    assert.deepEqual(info.siblings.map((s) => s.rfilename).sort(), listFiles(REPO_DIR));
    assert.ok(info.siblings.some((s) => s.rfilename === "config.json"));
    for (const key of ["private", "gated", "disabled"]) assert.equal(info[key], false);
    for (const key of ["downloads", "likes"]) assert.equal(info[key], 0);
    assert.ok(Array.isArray(info.tags));
    assert.ok("pipeline_tag" in info);
    assert.ok(!Number.isNaN(Date.parse(info.lastModified)));
    assert.ok(!Number.isNaN(Date.parse(info.createdAt)));
  });

  test("C2/C3: revision/main and revision/HEAD give the commit resolve reports", async () => {
    const main = await json(await fetch(`${base}/api/models/${REPO}/revision/main`));
    const head = await json(await fetch(`${base}/api/models/${REPO}/revision/HEAD`));
    const res = await fetch(`${base}/${REPO}/resolve/main/config.json`, { method: "HEAD" });
    assert.equal(main.sha, commit);
    assert.equal(head.sha, commit);
    assert.equal(res.headers.get("x-repo-commit"), commit);
    // The commit id itself and a unique prefix are revisions too.
    assert.equal((await json(await fetch(`${base}/api/models/${REPO}/revision/${commit}`))).sha, commit);
    assert.equal((await json(await fetch(`${base}/api/models/${REPO}/revision/${commit.slice(0, 10)}`))).sha, commit);
  });

  test("C4: a pull request that does not exist is RevisionNotFound", async () => {
    const res = await fetch(`${base}/api/models/${REPO}/revision/refs%2Fpr%2F1`);
    assertError(res, 404, "RevisionNotFound");
    assert.ok((await json(res)).error);
  });

  test("C5: blobs=true adds size, blobId and lfs", async () => {
    const info = await json(await fetch(`${base}/api/models/${REPO}?blobs=true`));
    const lfs = info.siblings.find((s) => s.rfilename === LFS_NAME);
    assert.equal(lfs.size, LFS.length);
    assert.equal(lfs.blobId, gitBlobSha1(Buffer.from(lfsPointer(LFS))));
    assert.deepEqual(lfs.lfs, { sha256: sha256(LFS), size: LFS.length, pointerSize: lfsPointer(LFS).length });
    const cfg = info.siblings.find((s) => s.rfilename === "config.json");
    assert.equal(cfg.size, CONFIG.length);
    assert.equal(cfg.blobId, gitBlobSha1(CONFIG));
    assert.equal(cfg.lfs, undefined);
  });

  test("C6: expand parameters are accepted", async () => {
    const res = await fetch(`${base}/api/models/${REPO}?expand=pipeline_tag&expand=private`);
    assert.equal(res.status, 200);
    const info = await json(res);
    assert.equal(info.id, REPO);
    assert.equal(info.private, false);
  });

  test("C7: HEAD of a regular file", async () => {
    const res = await fetch(`${base}/${REPO}/resolve/main/config.json`, { method: "HEAD" });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("x-repo-commit"), HEX40);
    assert.equal(res.headers.get("etag"), `"${gitBlobSha1(CONFIG)}"`);
    assert.equal(res.headers.get("content-length"), String(CONFIG.length));
    assert.equal(res.headers.get("accept-ranges"), "bytes");
    assert.equal(res.headers.get("x-linked-etag"), null);
    assert.equal(res.headers.get("x-linked-size"), null);
  });

  test("C8: HEAD of an LFS file (direct mode)", async () => {
    const res = await fetch(`${base}/${REPO}/resolve/main/${LFS_NAME}`, { method: "HEAD", redirect: "manual" });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-repo-commit"), commit);
    assert.equal(res.headers.get("x-linked-etag"), `"${sha256(LFS)}"`);
    assert.equal(res.headers.get("x-linked-size"), String(LFS.length));
    assert.equal(res.headers.get("etag"), `"${sha256(LFS)}"`);
    assert.equal(res.headers.get("content-length"), String(LFS.length));
  });

  test("GET serves the exact bytes, LFS files included", async () => {
    const cfg = Buffer.from(await (await fetch(`${base}/${REPO}/resolve/main/config.json`)).arrayBuffer());
    assert.ok(cfg.equals(CONFIG));
    const res = await fetch(`${base}/${REPO}/resolve/${commit}/${LFS_NAME}`);
    assert.equal(res.status, 200);
    assert.equal(sha256(Buffer.from(await res.arrayBuffer())), sha256(LFS));
  });

  test("C9: missing file is EntryNotFound with X-Repo-Commit", async () => {
    const res = await fetch(`${base}/${REPO}/resolve/main/missing.txt`, { method: "HEAD" });
    assertError(res, 404, "EntryNotFound");
    assert.equal(res.headers.get("x-repo-commit"), commit);
    const get = await fetch(`${base}/${REPO}/resolve/main/missing.txt`);
    assertError(get, 404, "EntryNotFound");
    assert.ok((await json(get)).error);
  });

  test("C10: unknown revision is RevisionNotFound", async () => {
    const res = await fetch(`${base}/${REPO}/resolve/nope/config.json`, { method: "HEAD" });
    assertError(res, 404, "RevisionNotFound");
  });

  test("C11: unknown repo is 401 without a token, 404 with one", async () => {
    assertError(await fetch(`${base}/unknown/repo/resolve/main/config.json`, { method: "HEAD" }), 401, "RepoNotFound");
    const auth = { authorization: `Bearer ${TOKEN}` };
    assertError(await fetch(`${base}/unknown/repo/resolve/main/config.json`, { method: "HEAD", headers: auth }), 404, "RepoNotFound");
    assertError(await fetch(`${base}/api/models/unknown/repo`), 401, "RepoNotFound");
    assertError(await fetch(`${base}/api/datasets/${REPO}`, { headers: auth }), 404, "RepoNotFound");
  });

  test("C12: an invalid token is rejected on every route", async () => {
    const headers = { authorization: "Bearer not-a-hub-token" };
    for (const url of [
      `${base}/api/models/${REPO}`,
      `${base}/${REPO}/resolve/main/config.json`,
      `${base}/api/models/${REPO}/tree/main`,
      `${base}/api/models/unknown/repo`,
      `${base}/no/such/route/at/all`,
    ]) {
      const res = await fetch(url, { headers });
      assert.equal(res.status, 401, url);
      assert.equal(res.headers.get("x-error-message"), "Invalid credentials in Authorization header");
    }
    const ok = await fetch(`${base}/api/models/${REPO}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(ok.status, 200);
  });

  test("C13: Range bytes=0-0", async () => {
    for (const [name, content] of [["config.json", CONFIG], [LFS_NAME, LFS]]) {
      const res = await fetch(`${base}/${REPO}/resolve/main/${name}`, { headers: { range: "bytes=0-0" } });
      assert.equal(res.status, 206);
      assert.equal(res.headers.get("content-range"), `bytes 0-0/${content.length}`);
      assert.equal(res.headers.get("x-repo-commit"), commit);
      assert.ok(res.headers.get("etag"));
      const body = Buffer.from(await res.arrayBuffer());
      assert.equal(body.length, 1);
      assert.equal(body[0], content[0]);
    }
    const lfs = await fetch(`${base}/${REPO}/resolve/main/${LFS_NAME}`, { headers: { range: "bytes=0-0" } });
    assert.equal(lfs.headers.get("x-linked-etag"), `"${sha256(LFS)}"`);
    await lfs.arrayBuffer();
  });

  test("C14/C15/C16: open-ended, clamped and unsatisfiable ranges", async () => {
    const url = `${base}/${REPO}/resolve/main/config.json`;
    const n = CONFIG.length;
    let res = await fetch(url, { headers: { range: "bytes=10-" } });
    assert.equal(res.status, 206);
    assert.equal(res.headers.get("content-range"), `bytes 10-${n - 1}/${n}`);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(CONFIG.subarray(10)));

    res = await fetch(url, { headers: { range: `bytes=0-${n + 5}` } });
    assert.equal(res.status, 206);
    assert.equal(res.headers.get("content-range"), `bytes 0-${n - 1}/${n}`);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(CONFIG));

    res = await fetch(url, { headers: { range: `bytes=${n}-` } });
    assertError(res, 416);
    assert.equal(res.headers.get("content-range"), `bytes */${n}`);
    await res.arrayBuffer();

    res = await fetch(url, { headers: { range: "bytes=-5" } });
    assert.equal(res.status, 206);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(CONFIG.subarray(n - 5)));

    res = await fetch(url, { headers: { range: "bytes=99999999999999999999999999-" } });
    assert.equal(res.status, 416);
    await res.arrayBuffer();

    // Malformed or multiple ranges are ignored: the whole body.
    for (const range of ["bytes=5-2", "bytes=0-1,5-6", "items=0-1", "bytes=x-y"]) {
      res = await fetch(url, { headers: { range } });
      assert.equal(res.status, 200, range);
      assert.ok(Buffer.from(await res.arrayBuffer()).equals(CONFIG), range);
    }
  });

  test("ranges inside an LFS file return the exact slice", async () => {
    const res = await fetch(`${base}/${REPO}/resolve/main/${LFS_NAME}`, { headers: { range: "bytes=1000-200999" } });
    assert.equal(res.status, 206);
    assert.equal(res.headers.get("content-length"), "200000");
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(LFS.subarray(1000, 201000)));
  });

  test("C17: raw returns the LFS pointer", async () => {
    const head = await fetch(`${base}/${REPO}/resolve/main/${LFS_NAME}`, { method: "HEAD" });
    const res = await fetch(`${base}/${REPO}/raw/main/${LFS_NAME}`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.equal(text, lfsPointer(LFS));
    const [, oid] = text.match(/^oid sha256:([0-9a-f]{64})$/m);
    const [, size] = text.match(/^size (\d+)$/m);
    assert.equal(`"${oid}"`, head.headers.get("x-linked-etag"));
    assert.equal(size, head.headers.get("x-linked-size"));
    assert.equal(res.headers.get("etag"), `"${gitBlobSha1(Buffer.from(text))}"`);
    assert.equal(res.headers.get("x-linked-etag"), null);
    const cfg = await fetch(`${base}/${REPO}/raw/main/config.json`);
    assert.ok(Buffer.from(await cfg.arrayBuffer()).equals(CONFIG));
  });

  test("C18: recursive tree lists files with lfs and folders as directories", async () => {
    const entries = await json(await fetch(`${base}/api/models/${NESTED}/tree/main?recursive=true`));
    const files = entries.filter((e) => e.type === "file").map((e) => e.path).sort();
    assert.deepEqual(files, listFiles(path.join(FIXTURE_REPOS, NESTED)));
    const dirs = entries.filter((e) => e.type === "directory");
    assert.deepEqual(dirs.map((d) => d.path).sort(), ["1_Pooling", "2_Normalize"]);
    for (const d of dirs) {
      assert.match(d.oid, HEX40);
      assert.equal(d.size, 0);
    }
    const model = fs.readFileSync(path.join(FIXTURE_REPOS, NESTED, "model.safetensors"));
    const m = entries.find((e) => e.path === "model.safetensors");
    assert.equal(m.type, "file");
    assert.equal(m.oid, gitBlobSha1(Buffer.from(lfsPointer(model))));
    assert.equal(m.lfs.oid, sha256(model));
    assert.equal(m.size, m.lfs.size);
    assert.equal(m.lfs.pointerSize, lfsPointer(model).length);
    const cfg = entries.find((e) => e.path === "1_Pooling/config.json");
    assert.equal(cfg.oid, gitBlobSha1(fs.readFileSync(path.join(FIXTURE_REPOS, NESTED, "1_Pooling/config.json"))));
    assert.equal(cfg.lfs, undefined);

    const top = await json(await fetch(`${base}/api/models/${NESTED}/tree/main`));
    assert.ok(top.every((e) => !e.path.includes("/")), "non-recursive lists direct children only");
    assert.ok(top.some((e) => e.path === "1_Pooling" && e.type === "directory"));
    const sub = await json(await fetch(`${base}/api/models/${NESTED}/tree/main/1_Pooling`));
    assert.deepEqual(sub.map((e) => e.path), ["1_Pooling/config.json"]);
  });

  test("C18: expand=true adds lastCommit", async () => {
    const entries = await json(await fetch(`${base}/api/models/${REPO}/tree/main?expand=true`));
    for (const e of entries) {
      assert.equal(e.lastCommit.id, commit);
      assert.equal(typeof e.lastCommit.title, "string");
      assert.ok(!Number.isNaN(Date.parse(e.lastCommit.date)));
    }
  });

  test("C19: recursive=True, true and 1 agree", async () => {
    const bodies = [];
    for (const v of ["True", "true", "1"]) bodies.push(await (await fetch(`${base}/api/models/${NESTED}/tree/main?recursive=${v}`)).text());
    assert.equal(bodies[0], bodies[1]);
    assert.equal(bodies[1], bodies[2]);
    const flat = await (await fetch(`${base}/api/models/${NESTED}/tree/main?recursive=false`)).text();
    assert.notEqual(flat, bodies[0]);
  });

  test("C20: Link pagination lists every entry exactly once", async () => {
    const full = await json(await fetch(`${base}/api/models/${NESTED}/tree/main?recursive=true&expand=false`));
    const [paged, pages, links] = await listAllPages(`${base}/api/models/${NESTED}/tree/main?recursive=true&expand=false&limit=3`);
    assert.ok(pages > 2);
    assert.deepEqual(paged, full);
    assert.equal(new Set(paged.map((e) => e.path)).size, paged.length);
    assert.equal(links.at(-1), null, "the last page has no Link");
    for (const link of links.slice(0, -1)) {
      assert.match(link, /^<http:\/\/[^>]+>; rel="next"$/);
      assert.ok(link.includes("recursive=true") && link.includes("expand=false") && link.includes("limit=3"));
      assert.ok(link.startsWith(`<${base}/`), "Link points back at the host the client used");
    }
    const [top] = await listAllPages(`${base}/api/models/${NESTED}/tree/main?limit=2`);
    assert.deepEqual(top, await json(await fetch(`${base}/api/models/${NESTED}/tree/main`)));
  });

  test("tree errors: missing folder, unknown revision, bad query values", async () => {
    const missing = await fetch(`${base}/api/models/${REPO}/tree/main/nope`);
    assertError(missing, 404, "EntryNotFound");
    assert.equal(missing.headers.get("x-repo-commit"), commit);
    assert.ok((await missing.json()).error);
    assertError(await fetch(`${base}/api/models/${REPO}/tree/main/config.json`), 404, "EntryNotFound");
    assertError(await fetch(`${base}/api/models/${REPO}/tree/nope`), 404, "RevisionNotFound");
    assertError(await fetch(`${base}/api/models/${REPO}/tree/main?limit=0`), 400);
    assertError(await fetch(`${base}/api/models/${REPO}/tree/main?cursor=abc`), 400);
  });

  test("C22: paths-info with form and JSON bodies", async () => {
    const url = `${base}/api/models/${REPO}/paths-info/main`;
    const form = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "paths=config.json&paths=nope&expand=false",
    });
    const viaForm = await json(form);
    assert.equal(viaForm.length, 1);
    assert.equal(viaForm[0].path, "config.json");
    assert.equal(viaForm[0].oid, gitBlobSha1(CONFIG));
    assert.equal(viaForm[0].size, CONFIG.length);
    const viaJson = await json(
      await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ paths: ["config.json", "nope"] }),
      }),
    );
    assert.deepEqual(viaJson, viaForm);

    const expanded = await json(
      await fetch(`${base}/api/models/${NESTED}/paths-info/main`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ paths: ["model.safetensors", "1_Pooling"], expand: true }),
      }),
    );
    assert.equal(expanded.length, 2);
    const dir = expanded.find((e) => e.path === "1_Pooling");
    assert.equal(dir.type, "directory");
    const model = expanded.find((e) => e.path === "model.safetensors");
    assert.match(model.lfs.oid, /^[0-9a-f]{64}$/);
    assert.match(model.lastCommit.id, HEX40);

    assertError(await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" }), 400);
    assertError(await fetch(url), 405);
  });

  test("C23: refs", async () => {
    const refs = await json(await fetch(`${base}/api/models/${REPO}/refs`));
    assert.deepEqual(refs.tags, []);
    assert.deepEqual(refs.converts, []);
    assert.deepEqual(refs.branches, [{ name: "main", ref: "refs/heads/main", targetCommit: commit }]);
    assert.equal(refs.pullRequests, undefined);
    const withPrs = await json(await fetch(`${base}/api/models/${REPO}/refs?include_prs=1`));
    assert.deepEqual(withPrs.pullRequests, []);
  });

  test("C26: LFS batch download hands out a working href", async () => {
    const res = await fetch(`${base}/${REPO}.git/info/lfs/objects/batch`, {
      method: "POST",
      headers: { accept: "application/vnd.git-lfs+json", "content-type": "application/vnd.git-lfs+json" },
      body: JSON.stringify({
        operation: "download",
        transfers: ["basic"],
        ref: { name: "main" },
        objects: [{ oid: sha256(LFS), size: LFS.length }, { oid: "0".repeat(64), size: 1 }],
        hash_algo: "sha256",
      }),
    });
    assert.equal(res.status, 200);
    const batch = await res.json();
    assert.equal(batch.transfer, "basic");
    const [ok, missing] = batch.objects;
    assert.equal(ok.size, LFS.length);
    assert.equal(missing.error.code, 404);
    const href = ok.actions.download.href;
    assert.match(href, /^http:\/\//);
    const content = await fetch(href);
    assert.equal(content.status, 200);
    assert.equal(sha256(Buffer.from(await content.arrayBuffer())), sha256(LFS));

    const upload = await fetch(`${base}/${REPO}.git/info/lfs/objects/batch`, {
      method: "POST",
      body: JSON.stringify({ operation: "upload", objects: [] }),
    });
    assert.equal(upload.status, 403);
  });

  test("C27: If-None-Match answers 304 or 200, never an error", async () => {
    const url = `${base}/${REPO}/resolve/main/config.json`;
    const etag = `"${gitBlobSha1(CONFIG)}"`;
    for (const inm of [etag, `W/${etag}`, `"other", ${etag}`]) {
      const res = await fetch(url, { method: "HEAD", headers: { "if-none-match": inm } });
      assert.ok([200, 304].includes(res.status), `${inm}: ${res.status}`);
      assert.equal(res.headers.get("x-repo-commit"), commit);
    }
    const miss = await fetch(url, { headers: { "if-none-match": '"nope"' } });
    assert.equal(miss.status, 200);
    assert.ok(Buffer.from(await miss.arrayBuffer()).equals(CONFIG));
  });

  test("whoami-v2", async () => {
    assert.equal((await fetch(`${base}/api/whoami-v2`)).status, 401);
    const res = await fetch(`${base}/api/whoami-v2`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    const me = await json(res);
    assert.equal(typeof me.name, "string");
    assert.equal(me.auth.accessToken.role, "read");
  });

  test("malformed requests get JSON errors, never a crash", async () => {
    assertError(await fetch(`${base}/api/models/${REPO}/tree/%ZZ`), 400, "BadRequest");
    assertError(await fetch(`${base}/api/models/${REPO}?blobs=%G1`), 400, "BadRequest");
    const unknown = await fetch(`${base}/definitely/not/a/route`);
    assertError(unknown, 404, "NotFound");
    assert.ok((await json(unknown)).error);
    assertError(await fetch(`${base}/api/unknown-type/a/b`), 404, "NotFound");
    assertError(await fetch(`${base}/`), 404, "NotFound");
    for (const p of ["..%2F..%2F..%2Fetc%2Fpasswd", "a%2F..%2Fconfig.json", "..%2Fgpt2_lm%2Fconfig.json", "%00", "sub//x"]) {
      const res = await fetch(`${base}/${REPO}/resolve/main/${p}`);
      assert.ok([400, 404].includes(res.status), `${p}: ${res.status}`);
      assert.ok(res.headers.get("x-error-code"), p);
    }
    assertError(await fetch(`${base}/${REPO}/resolve/main/config.json`, { method: "POST", body: "x" }), 405);
    assertError(await fetch(`${base}/api/models/${REPO}/commit/main`, { method: "POST", body: "{}" }), 403);
    // The server is still alive.
    assert.equal((await fetch(`${base}/api/models/${REPO}`)).status, 200);
  });

  test("concurrent downloads", async () => {
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        fetch(`${base}/${REPO}/resolve/main/${i % 2 ? LFS_NAME : "config.json"}`).then(async (r) => [
          i,
          sha256(Buffer.from(await r.arrayBuffer())),
        ]),
      ),
    );
    for (const [i, digest] of results) assert.equal(digest, sha256(i % 2 ? LFS : CONFIG));
  });

  test("determinism: another server process gives the same commits", async () => {
    const other = await startServer(["--repos", FIXTURE_REPOS, "--port", "0", "-q"]);
    try {
      for (const repo of [REPO, NESTED, "libhub/bert_mlm"]) {
        const a = await json(await fetch(`${base}/api/models/${repo}`));
        const b = await json(await fetch(`${other.url}/api/models/${repo}`));
        assert.equal(a.sha, b.sha, repo);
      }
    } finally {
      assert.equal(await other.stop(), 0);
    }
  });
});

describe("hub serve --repos (temporary repos)", () => {
  let server;
  let base;
  let root;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "hub-serve-"));
    const put = (rel, content) => {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), content);
    };
    put("acme/edge/empty.txt", "");
    put("acme/edge/empty.bin", "");
    put("acme/edge/sub/dir/leaf.txt", "leaf\n");
    put("acme/edge/sub/dir/deeper/x.json", "{}");
    put("acme/edge/sub/top.txt", "top\n");
    put("acme/edge/.git/config", "ignored");
    put("acme/edge/weights.gguf", "not really gguf");
    put("acme/live/a.txt", "first\n");
    put("acme/live/b.txt", "stays\n");
    put("gpt2/config.json", '{"model_type": "gpt2"}');
    put("datasets/acme/corpus/data/train.csv", "a,b\n1,2\n");
    put("spaces/acme/demo/README.md", "---\nsdk: gradio\n---\n# demo\n");
    server = await startServer(["--repos", root, "--port", "0", "-q", "--rescan-interval", "0.2"]);
    base = server.url;
  });
  after(async () => {
    await server?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  test("empty files: Range bytes=0-0 gives 200, Content-Length 0, Content-Range bytes */0", async () => {
    for (const name of ["empty.txt", "empty.bin"]) {
      const res = await fetch(`${base}/acme/edge/resolve/main/${name}`, { headers: { range: "bytes=0-0" } });
      assert.equal(res.status, 200, name);
      assert.equal(res.headers.get("content-length"), "0");
      assert.equal(res.headers.get("content-range"), "bytes */0");
      assert.equal(res.headers.get("etag"), `"${gitBlobSha1(Buffer.alloc(0))}"`, "empty files are never LFS");
      assert.equal((await res.arrayBuffer()).byteLength, 0);
      const head = await fetch(`${base}/acme/edge/resolve/main/${name}`, { method: "HEAD" });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get("content-length"), "0");
    }
  });

  test("C21: sub%2Fdir and sub/dir list the same folder", async () => {
    const encoded = await json(await fetch(`${base}/api/models/acme/edge/tree/main/sub%2Fdir`));
    const plain = await json(await fetch(`${base}/api/models/acme/edge/tree/main/sub/dir`));
    assert.deepEqual(encoded, plain);
    assert.deepEqual(plain.map((e) => [e.path, e.type]), [["sub/dir/deeper", "directory"], ["sub/dir/leaf.txt", "file"]]);
    const rec = await json(await fetch(`${base}/api/models/acme/edge/tree/main/sub?recursive=1`));
    assert.deepEqual(rec.map((e) => e.path), ["sub/dir", "sub/dir/deeper", "sub/dir/deeper/x.json", "sub/dir/leaf.txt", "sub/top.txt"]);
    const leaf = await fetch(`${base}/acme/edge/resolve/main/sub/dir/leaf.txt`);
    assert.equal(await leaf.text(), "leaf\n");
    const encodedPath = await fetch(`${base}/acme/edge/resolve/main/sub%2Fdir%2Fleaf.txt`);
    assert.equal(await encodedPath.text(), "leaf\n");
  });

  test(".git is not served; LFS patterns apply to small files", async () => {
    const info = await json(await fetch(`${base}/api/models/acme/edge?blobs=true`));
    assert.ok(!info.siblings.some((s) => s.rfilename.startsWith(".git/")));
    const gguf = info.siblings.find((s) => s.rfilename === "weights.gguf");
    assert.equal(gguf.lfs.sha256, sha256(Buffer.from("not really gguf")));
  });

  test("legacy one-segment repo ids route everywhere", async () => {
    const info = await json(await fetch(`${base}/api/models/gpt2`));
    assert.equal(info.id, "gpt2");
    assert.equal((await json(await fetch(`${base}/api/models/gpt2/revision/main`))).sha, info.sha);
    assert.equal((await json(await fetch(`${base}/api/models/gpt2/refs`))).branches[0].targetCommit, info.sha);
    assert.equal((await json(await fetch(`${base}/api/models/gpt2/tree/main`)))[0].path, "config.json");
    const res = await fetch(`${base}/gpt2/resolve/main/config.json`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-repo-commit"), info.sha);
    assert.equal(await res.text(), '{"model_type": "gpt2"}');
    assertError(await fetch(`${base}/api/models/gpt3`), 401, "RepoNotFound");
    assertError(await fetch(`${base}/gpt3/resolve/main/config.json`), 401, "RepoNotFound");
  });

  test("datasets and spaces", async () => {
    const info = await json(await fetch(`${base}/api/datasets/acme/corpus`));
    assert.equal(info.id, "acme/corpus");
    const res = await fetch(`${base}/datasets/acme/corpus/resolve/main/data/train.csv`);
    assert.equal(await res.text(), "a,b\n1,2\n");
    const tree = await json(await fetch(`${base}/api/datasets/acme/corpus/tree/main?recursive=true`));
    assert.deepEqual(tree.map((e) => e.path), ["data", "data/train.csv"]);
    assertError(await fetch(`${base}/api/models/acme/corpus`), 401, "RepoNotFound");
    const space = await json(await fetch(`${base}/api/spaces/acme/demo`));
    assert.equal(space.sdk, "gradio");
    assert.equal((await fetch(`${base}/spaces/acme/demo/resolve/main/README.md`)).status, 200);
  });

  test("main follows the folder; the old commit keeps serving unchanged files", async () => {
    const before = (await json(await fetch(`${base}/api/models/acme/live`))).sha;
    fs.writeFileSync(path.join(root, "acme/live/a.txt"), "second version\n");
    fs.writeFileSync(path.join(root, "acme/live/new.txt"), "new\n");
    let after = before;
    for (let i = 0; i < 50 && after === before; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = (await json(await fetch(`${base}/api/models/acme/live`))).sha;
    }
    assert.notEqual(after, before, "main must move after the folder changed");
    assert.equal(await (await fetch(`${base}/acme/live/resolve/main/a.txt`)).text(), "second version\n");
    assert.equal(await (await fetch(`${base}/acme/live/resolve/main/new.txt`)).text(), "new\n");
    const old = await fetch(`${base}/acme/live/resolve/${before}/b.txt`);
    assert.equal(old.status, 200);
    assert.equal(await old.text(), "stays\n");
    const changed = await fetch(`${base}/acme/live/resolve/${before}/a.txt`);
    assert.equal(changed.status, 409, "bytes of an old commit that changed on disk are not served");
    assert.ok(changed.headers.get("x-error-message"));
    assertError(await fetch(`${base}/acme/live/resolve/${before}/new.txt`), 404, "EntryNotFound");
  });

  test("new repos appear without a restart", async () => {
    fs.mkdirSync(path.join(root, "acme/fresh"), { recursive: true });
    fs.writeFileSync(path.join(root, "acme/fresh/f.txt"), "fresh");
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await fetch(`${base}/api/models/acme/fresh`)).status;
    }
    assert.equal(status, 200);
  });
});

describe("hub serve --cache (an HF cache)", () => {
  let server;
  let base;
  let cache;
  const main = "a".repeat(40);
  const pr = "b".repeat(40);
  const config = Buffer.from('{"hidden_size": 8}');
  const configPr = Buffer.from('{"hidden_size": 16}');
  const weights = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
  const nested = Buffer.from("nested\n");

  before(async () => {
    cache = fs.mkdtempSync(path.join(os.tmpdir(), "hub-cache-"));
    const repo = path.join(cache, "models--acme--tiny");
    const blob = (content, name) => {
      fs.mkdirSync(path.join(repo, "blobs"), { recursive: true });
      fs.writeFileSync(path.join(repo, "blobs", name), content);
      return name;
    };
    const link = (commit, rel, name) => {
      const p = path.join(repo, "snapshots", commit, rel);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      const depth = rel.split("/").length - 1;
      fs.symlinkSync(`${"../".repeat(depth + 2)}blobs/${name}`, p);
    };
    link(main, "config.json", blob(config, gitBlobSha1(config)));
    link(main, "model.safetensors", blob(weights, sha256(weights)));
    link(main, "sub/nested.txt", blob(nested, gitBlobSha1(nested)));
    link(pr, "config.json", blob(configPr, gitBlobSha1(configPr)));
    fs.mkdirSync(path.join(repo, "refs/refs/pr"), { recursive: true });
    fs.writeFileSync(path.join(repo, "refs/main"), main);
    fs.writeFileSync(path.join(repo, "refs/refs/pr/1"), pr);
    // A dataset, and things a scan must survive: a broken link, junk folders.
    const ds = path.join(cache, "datasets--acme--data");
    fs.mkdirSync(path.join(ds, "snapshots", main), { recursive: true });
    fs.writeFileSync(path.join(ds, "snapshots", main, "plain.txt"), "no symlinks here\n");
    fs.mkdirSync(path.join(ds, "refs"), { recursive: true });
    fs.writeFileSync(path.join(ds, "refs/main"), main + "\n");
    fs.symlinkSync("../../blobs/" + "c".repeat(40), path.join(ds, "snapshots", main, "broken.txt"));
    fs.mkdirSync(path.join(cache, ".locks"), { recursive: true });
    fs.writeFileSync(path.join(cache, "CACHEDIR.TAG"), "Signature: 8a477f597d28d172789f06886806bc55\n");
    server = await startServer(["--cache", cache, "--port", "0", "-q", "--token", TOKEN]);
    base = server.url;
  });
  after(async () => {
    await server?.stop();
    if (cache) fs.rmSync(cache, { recursive: true, force: true });
  });

  test("info, HEAD and refs come from refs/main", async () => {
    const info = await json(await fetch(`${base}/api/models/acme/tiny`));
    assert.equal(info.sha, main);
    assert.deepEqual(info.siblings.map((s) => s.rfilename).sort(), ["config.json", "model.safetensors", "sub/nested.txt"]);
    assert.equal((await json(await fetch(`${base}/api/models/acme/tiny/revision/HEAD`))).sha, main);
    const refs = await json(await fetch(`${base}/api/models/acme/tiny/refs?include_prs=true`));
    assert.deepEqual(refs.branches, [{ name: "main", ref: "refs/heads/main", targetCommit: main }]);
    assert.deepEqual(refs.pullRequests, [{ name: "refs/pr/1", ref: "refs/pr/1", targetCommit: pr }]);
    assert.deepEqual(refs.tags, []);
    assert.deepEqual(refs.converts, []);
  });

  test("C4: refs/pr/1 resolves, encoded or as three segments", async () => {
    assert.equal((await json(await fetch(`${base}/api/models/acme/tiny/revision/refs%2Fpr%2F1`))).sha, pr);
    const res = await fetch(`${base}/acme/tiny/resolve/refs/pr/1/config.json`);
    assert.equal(res.headers.get("x-repo-commit"), pr);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(configPr));
    const enc = await fetch(`${base}/acme/tiny/resolve/refs%2Fpr%2F1/config.json`);
    assert.equal(enc.headers.get("x-repo-commit"), pr);
    await enc.arrayBuffer();
    const tree = await json(await fetch(`${base}/api/models/acme/tiny/tree/refs/pr/1`));
    assert.deepEqual(tree.map((e) => e.path), ["config.json"]);
  });

  test("blob names become etags: sha256 for LFS, git sha1 otherwise", async () => {
    const lfs = await fetch(`${base}/acme/tiny/resolve/main/model.safetensors`, { method: "HEAD" });
    assert.equal(lfs.headers.get("x-linked-etag"), `"${sha256(weights)}"`);
    assert.equal(lfs.headers.get("x-linked-size"), String(weights.length));
    const body = await fetch(`${base}/acme/tiny/resolve/main/model.safetensors`, { headers: { range: "bytes=100-" } });
    assert.equal(body.status, 206);
    assert.ok(Buffer.from(await body.arrayBuffer()).equals(weights.subarray(100)));
    const cfg = await fetch(`${base}/acme/tiny/resolve/${main}/config.json`, { method: "HEAD" });
    assert.equal(cfg.headers.get("etag"), `"${gitBlobSha1(config)}"`);
    assert.equal(await (await fetch(`${base}/acme/tiny/raw/main/model.safetensors`)).text(), lfsPointer(weights));
    const tree = await json(await fetch(`${base}/api/models/acme/tiny/tree/main?recursive=true`));
    const m = tree.find((e) => e.path === "model.safetensors");
    assert.equal(m.oid, gitBlobSha1(Buffer.from(lfsPointer(weights))));
    assert.deepEqual(m.lfs, { oid: sha256(weights), size: weights.length, pointerSize: lfsPointer(weights).length });
    assert.ok(tree.some((e) => e.path === "sub" && e.type === "directory" && /^[0-9a-f]{40}$/.test(e.oid)));
    assert.equal(await (await fetch(`${base}/acme/tiny/resolve/main/sub/nested.txt`)).text(), "nested\n");
  });

  test("datasets, plain snapshot files and broken links", async () => {
    const info = await json(await fetch(`${base}/api/datasets/acme/data?blobs=true`));
    assert.equal(info.sha, main);
    assert.deepEqual(info.siblings.map((s) => s.rfilename), ["plain.txt"]);
    assert.equal(info.siblings[0].blobId, gitBlobSha1(Buffer.from("no symlinks here\n")));
    const res = await fetch(`${base}/datasets/acme/data/resolve/main/plain.txt`);
    assert.equal(await res.text(), "no symlinks here\n");
  });

  test("--token: only listed tokens are accepted", async () => {
    const bad = await fetch(`${base}/api/models/acme/tiny`, { headers: { authorization: `Bearer hf_${"x".repeat(34)}` } });
    assert.equal(bad.status, 401);
    assert.equal(bad.headers.get("x-error-message"), "Invalid credentials in Authorization header");
    const good = await fetch(`${base}/api/models/acme/tiny`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(good.status, 200);
    assertError(await fetch(`${base}/api/models/acme/nope`, { headers: { authorization: `Bearer ${TOKEN}` } }), 404, "RepoNotFound");
  });
});

describe("hub serve command line", () => {
  test("refuses to start without --repos or --cache", async () => {
    await assert.rejects(startServer(["--port", "0"], { timeoutMs: 10_000 }), /exited early/);
  });
  test("refuses a folder that does not exist", async () => {
    await assert.rejects(startServer(["--repos", "/nonexistent/folder", "--port", "0"], { timeoutMs: 10_000 }), /exited early/);
  });
});
