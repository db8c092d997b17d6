// The official JS client (@huggingface/hub, pinned in tests/js/package.json) against `hub serve`
// (hub-protocol.md §11.2, checklist C31-C35). Tree listings are paged by 2 entries so listFiles
// has to follow Link headers.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { FIXTURE_REPOS, TOKEN, gitBlobSha1, sha256, startServer } from "./helpers/hub_serve.mjs";

const JS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../js");

// Loads the package from tests/js/node_modules; failing (not skipping) when it is missing, so
// a machine without it cannot pass silently.
async function loadHubJs() {
  const pkgDir = path.join(JS_DIR, "node_modules/@huggingface/hub");
  const pkgJson = path.join(pkgDir, "package.json");
  if (!fs.existsSync(pkgJson)) {
    throw new Error(`@huggingface/hub is not installed in ${JS_DIR}: run \`npm ci --prefix tests/js\``);
  }
  const pkg = JSON.parse(fs.readFileSync(pkgJson, "utf8"));
  const entry = pkg.exports?.["."]?.import ?? pkg.module ?? pkg.main;
  return import(pathToFileURL(path.join(pkgDir, entry)).href);
}

const REPO = "libhub/gpt2_lm";
const REPO_DIR = path.join(FIXTURE_REPOS, REPO);
const LFS_NAME = "model-00001-of-00002.safetensors";
const NESTED = "libhub/minilm_st";

function listFiles(dir, prefix = "") {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(path.join(dir, e.name), rel));
    else out.push(rel);
  }
  return out.sort();
}

describe("@huggingface/hub against hub serve", () => {
  let hub;
  let server;
  let hubUrl;
  let creds;

  before(async () => {
    hub = await loadHubJs();
    server = await startServer(["--repos", FIXTURE_REPOS, "--port", "0", "-q", "--page-size", "2"]);
    hubUrl = server.url;
    creds = { hubUrl, accessToken: TOKEN };
  });
  after(async () => {
    await server?.stop();
  });

  test("C31: modelInfo", async () => {
    const info = await hub.modelInfo({ name: REPO, ...creds });
    assert.equal(info.name, REPO);
    assert.ok(info.updatedAt instanceof Date && !Number.isNaN(info.updatedAt.getTime()));
    assert.equal(info.private, false);
    const raw = await (await fetch(`${hubUrl}/api/models/${REPO}`)).json();
    assert.equal(info.id, raw._id);
  });

  test("C32: listFiles recursive across pages", async () => {
    const seen = [];
    for await (const entry of hub.listFiles({ repo: NESTED, recursive: true, ...creds })) seen.push(entry);
    const files = seen.filter((e) => e.type === "file").map((e) => e.path).sort();
    assert.deepEqual(files, listFiles(path.join(FIXTURE_REPOS, NESTED)));
    assert.equal(new Set(seen.map((e) => e.path)).size, seen.length, "no entry twice");
    assert.ok(seen.some((e) => e.type === "directory" && e.path === "1_Pooling"));
    const flat = [];
    for await (const entry of hub.listFiles({ repo: REPO, ...creds })) flat.push(entry.path);
    assert.deepEqual(flat.sort(), listFiles(REPO_DIR));
  });

  test("C33: fileDownloadInfo of an LFS file", async () => {
    const content = fs.readFileSync(path.join(REPO_DIR, LFS_NAME));
    const info = await hub.fileDownloadInfo({ repo: REPO, path: LFS_NAME, ...creds });
    assert.equal(info.size, content.length);
    assert.ok(info.etag.includes(sha256(content)), info.etag);
    assert.equal(info.xet, undefined);
    const cfg = fs.readFileSync(path.join(REPO_DIR, "config.json"));
    const regular = await hub.fileDownloadInfo({ repo: REPO, path: "config.json", ...creds });
    assert.equal(regular.size, cfg.length);
    assert.ok(regular.etag.includes(gitBlobSha1(cfg)));
  });

  test("C34: fileDownloadInfo of a missing file is null", async () => {
    assert.equal(await hub.fileDownloadInfo({ repo: REPO, path: "missing.txt", ...creds }), null);
    assert.equal(await hub.downloadFile({ repo: REPO, path: "missing.txt", ...creds }), null);
  });

  test("C35: downloadFile text equals the file", async () => {
    const blob = await hub.downloadFile({ repo: REPO, path: "config.json", ...creds });
    assert.equal(await blob.text(), fs.readFileSync(path.join(REPO_DIR, "config.json"), "utf8"));
  });

  test("downloadFile of a safetensors file is byte-identical", async () => {
    const expected = fs.readFileSync(path.join(REPO_DIR, LFS_NAME));
    const blob = await hub.downloadFile({ repo: REPO, path: LFS_NAME, ...creds });
    const got = Buffer.from(await blob.arrayBuffer());
    assert.equal(got.length, expected.length);
    assert.ok(got.equals(expected));
    // Slices issue Range requests.
    const slice = Buffer.from(await blob.slice(100, 1100).arrayBuffer());
    assert.ok(slice.equals(expected.subarray(100, 1100)));
  });

  test("pathsInfo and downloadFileToCacheDir", async () => {
    const infos = await hub.pathsInfo({ repo: REPO, paths: [LFS_NAME, "nope.txt"], expand: true, ...creds });
    assert.equal(infos.length, 1);
    assert.equal(infos[0].lfs.oid, sha256(fs.readFileSync(path.join(REPO_DIR, LFS_NAME))));
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "hubjs-cache-"));
    try {
      const file = await hub.downloadFileToCacheDir({ repo: REPO, path: "tokenizer_config.json", cacheDir, ...creds });
      assert.ok(fs.readFileSync(file).equals(fs.readFileSync(path.join(REPO_DIR, "tokenizer_config.json"))));
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  test("an unknown repo is a HubApiError carrying the server's message", async () => {
    await assert.rejects(hub.modelInfo({ name: "nobody/nothing", ...creds }), (err) => {
      assert.equal(err.statusCode, 404);
      assert.match(err.message, /Repository not found/);
      return true;
    });
  });
});
