#!/usr/bin/env node
// bench_cache: (a) `hub cache ls` on a synthetic cache of many small repos, warm (after the first
// reconcile built the index) and right after one repo changed, and (b) `hub cache verify` against
// `sha256sum` over the same large blobs. Medians of several runs, in the same run. Not part of CTest: benchmarks never gate CI.
//
//   node bench/cache/run.mjs [--repos 10000] [--runs 7] [--blobs 8] [--blob-mb 128] [--dir DIR]
//
// The caches are built under DIR (default: a fresh folder in the system temp dir; reused when
// it already holds caches of the same shape) and removed at the end unless --dir was given.
// HUB_BIN overrides the hub binary (default build/bin/hub).
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const HUB = process.env.HUB_BIN ?? path.join(root, 'build/bin/hub');
const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : def;
};
const nRepos = Number(arg('--repos', 10000));
const runs = Number(arg('--runs', 7));
const nBlobs = Number(arg('--blobs', 8));
const blobMb = Number(arg('--blob-mb', 128));
const keep = arg('--dir', null);
const work = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cache-'));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const hex = (n, i) => crypto.createHash('sha1').update(`${n}:${i}`).digest('hex').repeat(2).slice(0, n);

// Times one command (ms), output discarded; fails loudly.
function timed(cmd, args, okStatus = [0]) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!okStatus.includes(r.status)) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return ms;
}

// A Hugging Face cache of `nRepos` small repos: two small files each (git blob sha1 names),
// relative symlinks from one snapshot, refs/main.
function makeSmallCache(dir) {
  const marker = path.join(dir, '.bench-complete');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === String(nRepos)) return;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < nRepos; i++) {
    const repo = path.join(dir, `models--bench-org--repo-${String(i).padStart(5, '0')}`);
    const commit = hex(40, i);
    const snap = path.join(repo, 'snapshots', commit);
    fs.mkdirSync(path.join(repo, 'blobs'), { recursive: true });
    fs.mkdirSync(path.join(repo, 'refs'), { recursive: true });
    fs.mkdirSync(snap, { recursive: true });
    for (const [name, content] of [
      ['config.json', `{"repo": ${i}}\n`],
      ['README.md', `# repo ${i}\n${'x'.repeat(i % 500)}\n`],
    ]) {
      const buf = Buffer.from(content);
      const sha1 = crypto.createHash('sha1').update(`blob ${buf.length}\0`).update(buf).digest('hex');
      fs.writeFileSync(path.join(repo, 'blobs', sha1), buf);
      fs.symlinkSync(`../../blobs/${sha1}`, path.join(snap, name));
    }
    fs.writeFileSync(path.join(repo, 'refs', 'main'), commit);
  }
  fs.writeFileSync(marker, String(nRepos));
}

// One repo holding `nBlobs` random blobs of `blobMb` MiB, named by their sha256.
function makeLargeCache(dir) {
  const marker = path.join(dir, '.bench-complete');
  const shape = `${nBlobs}x${blobMb}`;
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === shape) return;
  fs.rmSync(dir, { recursive: true, force: true });
  const repo = path.join(dir, 'models--bench-org--large');
  const commit = hex(40, 'large');
  const snap = path.join(repo, 'snapshots', commit);
  fs.mkdirSync(path.join(repo, 'blobs'), { recursive: true });
  fs.mkdirSync(snap, { recursive: true });
  const chunk = Buffer.alloc(16 << 20);
  for (let b = 0; b < nBlobs; b++) {
    const tmp = path.join(repo, 'blobs', `tmp-${b}`);
    const fd = fs.openSync(tmp, 'w');
    const h = crypto.createHash('sha256');
    for (let off = 0; off < blobMb << 20; off += chunk.length) {
      crypto.randomFillSync(chunk);
      const n = Math.min(chunk.length, (blobMb << 20) - off);
      h.update(chunk.subarray(0, n));
      fs.writeSync(fd, chunk, 0, n);
    }
    fs.closeSync(fd);
    const sha = h.digest('hex');
    fs.renameSync(tmp, path.join(repo, 'blobs', sha));
    fs.symlinkSync(`../../blobs/${sha}`, path.join(snap, `model-${b}.safetensors`));
  }
  fs.mkdirSync(path.join(repo, 'refs'), { recursive: true });
  fs.writeFileSync(path.join(repo, 'refs', 'main'), commit);
  fs.writeFileSync(marker, shape);
}

const smallDir = path.join(work, 'small-cache');
const largeDir = path.join(work, 'large-cache');
const cmdline = `node bench/cache/run.mjs --repos ${nRepos} --runs ${runs} --blobs ${nBlobs} --blob-mb ${blobMb}`;
console.log(`# ${cmdline}`);
console.log(`# hub: ${HUB}; ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}); load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);

// (a) hub cache ls
let t0 = Date.now();
makeSmallCache(smallDir);
console.log(`built ${nRepos} repos in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
const first = timed(HUB, ['cache', 'ls', '--cache-dir', smallDir]);
const lsTable = [], lsJson = [];
for (let i = 0; i < runs; i++) {
  lsTable.push(timed(HUB, ['cache', 'ls', '--cache-dir', smallDir]));
  lsJson.push(timed(HUB, ['cache', 'ls', '--json', '--cache-dir', smallDir]));
}
console.log(`hub cache ls, ${nRepos} repos: first (builds the index) ${first.toFixed(0)} ms; warm median ` +
            `${median(lsTable).toFixed(1)} ms (table), ${median(lsJson).toFixed(1)} ms (--json); ` +
            `min/max ${Math.min(...lsTable).toFixed(1)}/${Math.max(...lsTable).toFixed(1)} ms`);

// The first listing after one repo changed (a file linked into its snapshot, as a download of a
// file whose blob the repo already has does): the cost of finding and rescanning it. Between
// tries the change settles (folder times younger than three seconds are not trusted) and the link is
// removed again, so the cache ends as it began.
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const afterChange = [];
const changes = Math.min(runs, nRepos);
for (let i = 0; i < changes; i++) {
  const repo = path.join(smallDir, `models--bench-org--repo-${String((i * 7919) % nRepos).padStart(5, '0')}`);
  const [commit] = fs.readdirSync(path.join(repo, 'snapshots'));
  const [blob] = fs.readdirSync(path.join(repo, 'blobs'));
  const link = path.join(repo, 'snapshots', commit, 'bench-added.txt');
  fs.symlinkSync(`../../blobs/${blob}`, link);
  afterChange.push(timed(HUB, ['cache', 'ls', '--cache-dir', smallDir]));
  fs.unlinkSync(link);
  sleep(3100);
  timed(HUB, ['cache', 'ls', '--cache-dir', smallDir]);
}
sleep(3100);
timed(HUB, ['cache', 'ls', '--cache-dir', smallDir]);
console.log(`hub cache ls, first listing after one repo changed: median ${median(afterChange).toFixed(1)} ms ` +
            `(min/max ${Math.min(...afterChange).toFixed(1)}/${Math.max(...afterChange).toFixed(1)}, ${changes} changes)`);

// (b) hub cache verify against sha256sum, same files, page cache warm for both
t0 = Date.now();
makeLargeCache(largeDir);
const blobsDir = path.join(largeDir, 'models--bench-org--large', 'blobs');
const blobs = fs.readdirSync(blobsDir).map((n) => path.join(blobsDir, n));
const bytes = blobs.reduce((s, p) => s + fs.statSync(p).size, 0);
console.log(`built ${blobs.length} blobs of ${blobMb} MiB in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
timed(HUB, ['cache', 'verify', '-q', '--cache-dir', largeDir]);  // warm-up (and index)
timed('sha256sum', blobs);
const hubT = [], shaT = [];
for (let i = 0; i < runs; i++) {
  hubT.push(timed(HUB, ['cache', 'verify', '-q', '--cache-dir', largeDir]));
  shaT.push(timed('sha256sum', blobs));
}
const gbs = (ms) => bytes / 1e9 / (ms / 1000);
const hubMs = median(hubT), shaMs = median(shaT);
console.log(`hub cache verify: ${(bytes / 2 ** 20).toFixed(0)} MiB in median ${hubMs.toFixed(0)} ms = ${gbs(hubMs).toFixed(2)} GB/s`);
console.log(`sha256sum (same files): median ${shaMs.toFixed(0)} ms = ${gbs(shaMs).toFixed(2)} GB/s`);
console.log(`ratio hub/sha256sum throughput: ${(shaMs / hubMs).toFixed(2)}x`);
console.log(`# load after: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);

if (!keep) fs.rmSync(work, { recursive: true, force: true });
