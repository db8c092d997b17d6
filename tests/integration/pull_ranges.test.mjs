// Large files: concurrent byte ranges, the one-stream fallback, stalls, resume after kill -9,
// and two pulls of the same repo at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HUB, hubAsync, tmpdir } from './support/hub_cli.mjs';
import { startFakeHub } from './support/fake_hub.mjs';

const MB = 1 << 20;
const big = crypto.randomBytes(40 * MB);  // 5 chunks of 8 MiB
const files = (fault) => ({ 'config.json': { content: '{}' }, 'model.safetensors': { content: big, fault } });

const pull = (h, cache, args = [], env = {}) =>
  hubAsync(['pull', 'acme/tiny', '--json', ...args], { env: { HF_ENDPOINT: h.url, HF_HUB_CACHE: cache, ...env } });

function checkStored(stdout) {
  const res = JSON.parse(stdout);
  const p = path.join(res.folder, 'model.safetensors');
  assert.ok(fs.readFileSync(p).equals(big), 'stored bytes differ');
  const blobs = path.dirname(fs.realpathSync(p));
  assert.deepEqual(fs.readdirSync(blobs).filter((b) => b.includes('incomplete')), []);
  return res;
}

const rangedRequests = (h) => h.requests.filter((q) => q.url.endsWith('model.safetensors') && q.headers.range);

test('a large file is fetched as concurrent ranges and verified', async () => {
  const h = await startFakeHub({ files: files() });
  try {
    const r = await pull(h, tmpdir());
    assert.equal(r.status, 0, r.stderr);
    checkStored(r.stdout);
    const ranges = rangedRequests(h).map((q) => q.headers.range);
    assert.equal(ranges.length, 5, ranges.join(' '));
    assert.ok(ranges.includes(`bytes=0-${8 * MB - 1}`));
    assert.ok(ranges.includes(`bytes=${32 * MB}-${40 * MB - 1}`));
    assert.equal(h.bytesSent() - 2, big.length, 'every byte should be sent once');
  } finally { await h.close(); }
});

test('a server that ignores Range is read as one stream', async () => {
  const h = await startFakeHub({ files: files({ kind: 'ignore-range' }) });
  try {
    const r = await pull(h, tmpdir());
    assert.equal(r.status, 0, r.stderr);
    checkStored(r.stdout);
    assert.equal(h.requests.filter((q) => q.url.endsWith('model.safetensors')).length, 1);
  } finally { await h.close(); }
});

test('a stalled range is cancelled and fetched again', async () => {
  // The first request (chunk 0) sends headers and then nothing for 30 s.
  const h = await startFakeHub({ files: files([{ kind: 'stall', ms: 30000 }]) });
  try {
    const t0 = Date.now();
    const r = await pull(h, tmpdir(), [], { HF_HUB_DOWNLOAD_TIMEOUT: '1' });
    assert.equal(r.status, 0, r.stderr);
    checkStored(r.stdout);
    assert.ok(Date.now() - t0 < 20000, 'the stall was waited out instead of detected');
    assert.equal(rangedRequests(h).filter((q) => q.headers.range.startsWith('bytes=0-')).length, 2);
  } finally { await h.close(); }
});

test('a corrupt range fails the file and leaves nothing behind', async () => {
  const h = await startFakeHub({ files: files([undefined, { kind: 'corrupt' }]) });
  try {
    const cache = tmpdir();
    const r = await pull(h, cache, ['--connections', '1']);
    assert.equal(r.status, 6, r.stderr);
    const blobs = path.join(cache, 'models--acme--tiny', 'blobs');
    assert.deepEqual(fs.readdirSync(blobs).filter((b) => b.length === 64 || b.includes('incomplete')), []);
  } finally { await h.close(); }
});

test('after kill -9 the next pull fetches only the missing chunks', async () => {
  const h = await startFakeHub({ files: files({ kind: 'slow', rate: 8 * MB }) });
  const cache = tmpdir();
  try {
    const child = spawn(HUB, ['pull', 'acme/tiny', '--connections', '1', '-q'], {
      env: { PATH: process.env.PATH, HF_ENDPOINT: h.url, HF_HUB_CACHE: cache },
      stdio: 'ignore',
    });
    // Let two or three chunks complete, then kill without warning.
    const deadline = Date.now() + 30000;
    while (h.bytesSent() < 20 * MB && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const blobs = path.join(cache, 'models--acme--tiny', 'blobs');
    assert.equal(fs.readdirSync(blobs).filter((b) => b.includes('incomplete')).length, 1, 'no partial file left');
    const sentBefore = h.bytesSent();
    h.setFault('model.safetensors', undefined);
    const r = await pull(h, cache);
    assert.equal(r.status, 0, r.stderr);
    checkStored(r.stdout);
    const sentAfter = h.bytesSent() - sentBefore;
    assert.ok(sentAfter <= big.length - 16 * MB + 2, `resumed pull re-downloaded ${sentAfter} bytes`);
  } finally { await h.close(); }
});

test('two pulls of the same repo at once download each blob once and both succeed', async () => {
  const h = await startFakeHub({ files: files({ kind: 'slow', rate: 40 * MB }) });
  const cache = tmpdir();
  try {
    const [a, b] = await Promise.all([pull(h, cache), pull(h, cache)]);
    assert.equal(a.status, 0, a.stderr);
    assert.equal(b.status, 0, b.stderr);
    checkStored(a.stdout);
    checkStored(b.stdout);
    assert.ok(h.bytesSent() <= big.length + 4, `blob fetched more than once (${h.bytesSent()} bytes sent)`);
    const actions = [JSON.parse(a.stdout), JSON.parse(b.stdout)].map((x) => x.files.find((f) => f.path === 'model.safetensors').action).sort();
    assert.deepEqual(actions, ['cached', 'downloaded']);
  } finally { await h.close(); }
});

