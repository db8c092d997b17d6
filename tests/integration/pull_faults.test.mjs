// hub pull against a misbehaving server: every fault ends in a verified file or a clear,
// non-zero failure, and nothing unverified ever enters the cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { hubAsync, tmpdir, walk, TOKEN } from './support/hub_cli.mjs';
import { startFakeHub, startStorage, sha256, gitSha1 } from './support/fake_hub.mjs';

const weights = crypto.randomBytes(300_000);
const config = '{"model_type": "bert"}\n';

async function pullFrom(hubServer, { args = [], env = {} } = {}) {
  const cache = tmpdir('libhub-fault-');
  const r = await hubAsync(['pull', 'acme/tiny', '--json', ...args], {
    env: { HF_ENDPOINT: hubServer.url, HF_HUB_CACHE: cache, HUB_MAX_RETRIES: '3', ...env },
  });
  return { ...r, cache, repoDir: path.join(cache, 'models--acme--tiny') };
}

// Everything visible in blobs/ must hash to its name; snapshots only point at such blobs.
function assertCacheClean(repoDir) {
  if (!fs.existsSync(repoDir)) return;
  const blobs = path.join(repoDir, 'blobs');
  for (const b of fs.existsSync(blobs) ? fs.readdirSync(blobs) : []) {
    assert.ok(!b.includes('incomplete'), `leftover temporary file ${b}`);
    const content = fs.readFileSync(path.join(blobs, b));
    if (b.length === 64) assert.equal(sha256(content), b, `corrupt blob ${b}`);
  }
  const snaps = path.join(repoDir, 'snapshots');
  for (const s of fs.existsSync(snaps) ? fs.readdirSync(snaps) : []) {
    for (const f of walk(path.join(snaps, s))) assert.ok(fs.existsSync(path.join(snaps, s, f)));
  }
}

test('a corrupted body fails with an integrity error and stores nothing', async () => {
  const h = await startFakeHub({ files: { 'config.json': { content: config }, 'model.safetensors': { content: weights, fault: { kind: 'corrupt' } } } });
  try {
    const r = await pullFrom(h);
    assert.equal(r.status, 6, r.stderr);
    assert.match(r.stderr, /SHA-256 mismatch/);
    assertCacheClean(r.repoDir);
    assert.ok(!fs.existsSync(path.join(r.repoDir, 'blobs', sha256(weights))));
    assert.ok(!fs.existsSync(path.join(r.repoDir, 'refs', 'main')), 'a failed pull must not write refs/main');
  } finally { await h.close(); }
});

test('a corrupted small (git) file is caught by its git blob SHA-1', async () => {
  const h = await startFakeHub({ files: { 'config.json': { content: config, fault: { kind: 'corrupt' } } } });
  try {
    const r = await pullFrom(h);
    assert.equal(r.status, 6, r.stderr);
    assert.match(r.stderr, /git SHA-1 mismatch/);
    assertCacheClean(r.repoDir);
  } finally { await h.close(); }
});

test('a dropped connection resumes with Range and ends verified', async () => {
  const h = await startFakeHub({ files: { 'model.safetensors': { content: weights, fault: { kind: 'drop', times: 2 } } } });
  try {
    const r = await pullFrom(h);
    assert.equal(r.status, 0, r.stderr);
    const ranged = h.requests.filter((q) => q.headers.range);
    assert.ok(ranged.length >= 1, 'expected a resumed ranged request');
    const res = JSON.parse(r.stdout);
    assert.ok(fs.readFileSync(path.join(res.folder, 'model.safetensors')).equals(weights));
    assertCacheClean(r.repoDir);
  } finally { await h.close(); }
});

test('a body truncated every time, with Range ignored, fails cleanly', async () => {
  const h = await startFakeHub({ files: { 'model.safetensors': { content: weights, fault: { kind: 'truncate' } } } });
  try {
    const r = await pullFrom(h);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /error: .*model\.safetensors/);
    assertCacheClean(r.repoDir);
    assert.ok(!fs.existsSync(path.join(r.repoDir, 'blobs', sha256(weights))));
  } finally { await h.close(); }
});

test('a server that ignores Range once restarts the body and ends verified', async () => {
  const h = await startFakeHub({ files: { 'model.safetensors': { content: weights, fault: [{ kind: 'drop' }, { kind: 'ignore-range' }] } } });
  try {
    // The drop makes the client resume with Range; the answer is a 200 with the whole body.
    const r = await pullFrom(h);
    assert.equal(r.status, 0, r.stderr);
    const resolves = h.requests.filter((q) => q.url.includes('/resolve/'));
    assert.equal(resolves.length, 2);
    assert.ok(resolves[1].headers.range, 'the second request should have asked for a range');
    const res = JSON.parse(r.stdout);
    assert.ok(fs.readFileSync(path.join(res.folder, 'model.safetensors')).equals(weights));
    assertCacheClean(r.repoDir);
  } finally { await h.close(); }
});

test('429 with Retry-After and 500s are retried', async () => {
  const h = await startFakeHub({
    files: {
      'config.json': { content: config, fault: { kind: 'status', status: 429, retryAfter: 1, times: 1 } },
      'model.safetensors': { content: weights, fault: { kind: 'status', status: 500, times: 2 } },
    },
  });
  try {
    const t0 = Date.now();
    const r = await pullFrom(h);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(Date.now() - t0 >= 1000, 'Retry-After: 1 was not honoured');
    const hits = h.requests.filter((q) => q.url.includes('/resolve/'));
    assert.ok(hits.length >= 5, `expected retries, saw ${hits.length} requests`);
  } finally { await h.close(); }
});

test('persistent 500s fail with a clear message after the retries', async () => {
  const h = await startFakeHub({ files: { 'config.json': { content: config, fault: { kind: 'status', status: 503 } } } });
  try {
    const r = await pullFrom(h);
    assert.equal(r.status, 5, r.stderr);
    assert.match(r.stderr, /HTTP 503/);
    assertCacheClean(r.repoDir);
  } finally { await h.close(); }
});

test('the token goes to the endpoint but never to a redirect target on another host', async () => {
  const storage = await startStorage([weights]);
  const h = await startFakeHub({ files: { 'config.json': { content: config }, 'model.safetensors': { content: weights, fault: { kind: 'redirect', target: storage.url } } } });
  try {
    const r = await pullFrom(h, { env: { HF_TOKEN: TOKEN } });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(h.requests.every((q) => q.headers.authorization === `Bearer ${TOKEN}`), 'endpoint requests must carry the token');
    assert.ok(storage.requests.length >= 1, 'the storage host was not used');
    assert.ok(storage.requests.every((q) => q.headers.authorization === undefined), 'token leaked to another host');
  } finally { await h.close(); await storage.close(); }
});

test('the token also stays home when the redirect only changes the port', async () => {
  const storage = await startStorage([weights], '127.0.0.1');
  const h = await startFakeHub({ files: { 'model.safetensors': { content: weights, fault: { kind: 'redirect', target: storage.url } } } });
  try {
    const r = await pullFrom(h, { args: ['--token', TOKEN] });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(storage.requests.every((q) => q.headers.authorization === undefined), 'token leaked to another port');
  } finally { await h.close(); await storage.close(); }
});

for (const bad of ['../x', '/etc/x', 'a/../../x', 'a//b', 'a\\..\\b']) {
  test(`an unsafe path '${bad}' in the listing is refused and nothing is written`, async () => {
    const h = await startFakeHub({
      files: { 'config.json': { content: config } },
      extraTree: [{ type: 'file', path: bad, size: 1, oid: 'a'.repeat(40) }],
    });
    try {
      const r = await pullFrom(h);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /unsafe path/);
      assert.ok(!fs.existsSync(path.join(r.repoDir, 'snapshots')), 'snapshot written despite an unsafe listing');
      assert.ok(!fs.existsSync(path.join(path.dirname(r.cache), 'x')));
    } finally { await h.close(); }
  });
}

test('a listing with a malformed oid is refused', async () => {
  const h = await startFakeHub({ extraTree: [{ type: 'file', path: 'a.txt', size: 1, oid: 'zz' }] });
  try {
    const r = await pullFrom(h);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /invalid oid/);
  } finally { await h.close(); }
});

test('a listing with a file that is also a folder is refused before anything is written', async () => {
  // 'a' and 'a/b' cannot both exist in a snapshot folder.
  const h = await startFakeHub({ files: { 'config.json': { content: config }, a: { content: 'file a\n' }, 'a/b': { content: 'file a/b\n' } } });
  try {
    const r = await pullFrom(h);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /both a file 'a' and a file 'a\/b'/);
    assert.ok(!fs.existsSync(r.repoDir), 'the cache was written despite an invalid listing');
    assert.equal(h.requests.filter((q) => q.url.includes('/resolve/')).length, 0, 'files were downloaded');
  } finally { await h.close(); }
});

test('a listing that names a path twice is refused before anything is written', async () => {
  const h = await startFakeHub({
    files: { 'config.json': { content: config } },
    extraTree: [{ type: 'file', path: 'config.json', size: config.length, oid: gitSha1(Buffer.from(config)) }],
  });
  try {
    const r = await pullFrom(h);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /names 'config\.json' twice/);
    assert.ok(!fs.existsSync(r.repoDir), 'the cache was written despite an invalid listing');
  } finally { await h.close(); }
});

test('a same-origin relative redirect keeps the token', async () => {
  const h = await startFakeHub({ files: { 'model.safetensors': { content: weights, fault: { kind: 'redirect', target: '', status: 307 } } } });
  try {
    const r = await pullFrom(h, { env: { HF_TOKEN: TOKEN } });
    assert.equal(r.status, 0, r.stderr);
    const stored = h.requests.filter((q) => q.url.startsWith('/storage/'));
    assert.ok(stored.length >= 1, 'the redirect was not followed');
    assert.ok(stored.every((q) => q.headers.authorization === `Bearer ${TOKEN}`), 'token dropped on a same-origin redirect');
    assert.ok(fs.readFileSync(path.join(JSON.parse(r.stdout).folder, 'model.safetensors')).equals(weights));
  } finally { await h.close(); }
});

test('--token wins over HF_TOKEN', async () => {
  const other = 'hf_' + 'Z'.repeat(34);
  const h = await startFakeHub({ files: { 'config.json': { content: config } }, tokens: [TOKEN] });
  try {
    const r = await pullFrom(h, { args: ['--token', TOKEN], env: { HF_TOKEN: other } });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(h.requests.length >= 3);
    assert.ok(h.requests.every((q) => q.headers.authorization === `Bearer ${TOKEN}`), 'HF_TOKEN was sent instead of --token');
  } finally { await h.close(); }
});

test('Retry-After given as an HTTP date is honoured', async () => {
  // The date is taken when the 429 is sent, 3 s ahead: a client that ignores it retries in ~20 ms.
  const retryAfter = () => new Date(Date.now() + 3000).toUTCString();
  const h = await startFakeHub({ files: { 'config.json': { content: config, fault: { kind: 'status', status: 429, retryAfter, times: 1 } } } });
  try {
    const t0 = Date.now();
    const r = await pullFrom(h);
    assert.equal(r.status, 0, r.stderr);
    const hits = h.requests.filter((q) => q.url.includes('/resolve/'));
    assert.equal(hits.length, 2);
    assert.ok(Date.now() - t0 >= 1500, `the HTTP-date Retry-After was not honoured (${Date.now() - t0} ms)`);
  } finally { await h.close(); }
});

// Each Hub error class ends in its own exit status, error code and a hint that says what to do.
const errorCases = [
  {
    name: '403 GatedRepo',
    hub: { files: { 'config.json': { content: config, fault: { kind: 'status', status: 403, errorCode: 'GatedRepo', errorMessage: 'Access to model acme/tiny is restricted and you are not in the authorized list. Visit https://huggingface.co/acme/tiny to ask for access.' } } } },
    env: { HF_TOKEN: TOKEN },
    status: 4, code: 'gated', message: /gated repo is restricted/, hint: /request access on its page/,
  },
  {
    name: '401 invalid token',
    hub: { files: { 'config.json': { content: config } }, tokens: [TOKEN] },
    env: { HF_TOKEN: 'hf_' + 'Z'.repeat(34) },
    status: 4, code: 'unauthorized', message: /invalid token/, hint: /token was rejected: check --token, HF_TOKEN/,
  },
  {
    name: 'a final 429 after the retries',
    hub: { files: { 'config.json': { content: config, fault: { kind: 'status', status: 429 } } } },
    status: 5, code: 'rate_limited', message: /HTTP 429: rate limited/, hint: /rate limiting requests: wait a little and try again/,
    resolves: 4, // the first request and HUB_MAX_RETRIES=3 retries
  },
  {
    name: '404 RepoNotFound',
    hub: { infoFault: { kind: 'status', status: 404, errorCode: 'RepoNotFound', errorMessage: 'Repository not found' } },
    status: 3, code: 'repo_not_found', message: /repository not found/, hint: /check the repo id .*pass a token with --token or HF_TOKEN/,
  },
  {
    name: '404 RevisionNotFound',
    hub: { files: { 'config.json': { content: config } } },
    args: ['--revision', 'nope'],
    status: 3, code: 'revision_not_found', message: /revision not found/, hint: /check the branch, tag or commit given with --revision/,
  },
  {
    name: '404 EntryNotFound',
    // Listed, but gone by the time it is fetched.
    hub: { files: { 'config.json': { content: config } }, extraTree: [{ type: 'file', path: 'gone.txt', size: 4, oid: 'b'.repeat(40) }] },
    status: 3, code: 'entry_not_found', message: /gone\.txt.*file not found/, hint: /does not exist at this revision/,
  },
  {
    name: 'a disabled repo',
    hub: { infoFault: { kind: 'status', status: 403, errorMessage: 'Access to this resource is disabled.' } },
    env: { HF_TOKEN: TOKEN },
    status: 4, code: 'disabled', message: /this repo is disabled/, hint: /disabled this repo.*a token cannot help/,
  },
];

for (const c of errorCases) {
  test(`error mapping: ${c.name}`, async () => {
    const h = await startFakeHub(c.hub);
    try {
      const r = await pullFrom(h, { args: c.args ?? [], env: c.env ?? {} });
      assert.equal(r.status, c.status, r.stderr);
      assert.equal(JSON.parse(r.stdout).error.code, c.code);
      assert.match(r.stderr, new RegExp(`^error: .*${c.message.source}`, 'm'));
      const hint = /^hint: (.*)$/m.exec(r.stderr);
      assert.ok(hint, `no hint line in:\n${r.stderr}`);
      assert.match(hint[1], c.hint);
      if (c.resolves) assert.equal(h.requests.filter((q) => q.url.includes('/resolve/')).length, c.resolves);
      assert.ok(!fs.existsSync(path.join(r.repoDir, 'refs', 'main')), 'a failed pull must not write refs/main');
    } finally { await h.close(); }
  });
}
