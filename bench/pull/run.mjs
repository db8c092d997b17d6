#!/usr/bin/env node
// bench_pull: `hub pull` against curl (one by one and --parallel) and the official JS client
// (@huggingface/hub), all fetching the same synthetic repo from `hub serve` on loopback, in the
// same run. Reports the median of several runs and the ratios.
//
//   node bench/pull/run.mjs [--size-mb 2304] [--runs 5] [--keep DIR]
//
// The repo: 8 LFS files of size/8 (>= 256 MB each at the default size), plus 20 small files.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const HUB = process.env.HUB_BIN ?? path.join(root, 'build/bin/hub');
const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : def;
};
const sizeMb = Number(arg('--size-mb', 2304));
const runs = Number(arg('--runs', 5));
const work = arg('--keep', fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pull-')));

function makeRepo(dir) {
  const marker = path.join(dir, '.complete');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === String(sizeMb)) return;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const per = Math.floor((sizeMb * 1024 * 1024) / 8);
  const buf = Buffer.alloc(16 << 20);
  for (let i = 0; i < 8; i++) {
    const fd = fs.openSync(path.join(dir, `model-0000${i + 1}-of-00008.safetensors`), 'w');
    for (let off = 0; off < per; off += buf.length) {
      crypto.randomFillSync(buf);
      fs.writeSync(fd, buf, 0, Math.min(buf.length, per - off));
    }
    fs.closeSync(fd);
  }
  for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(dir, `small_${i}.json`), JSON.stringify({ i, pad: 'x'.repeat(1000 * i) }));
  fs.writeFileSync(marker, String(sizeMb));
}

function serve(reposDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(HUB, ['serve', '--repos', reposDir, '--port', '0', '-q'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /serving (\S+)/.exec(out);
      if (m) resolve({ url: m[1], stop: () => child.kill('SIGTERM') });
    });
    child.on('exit', (c) => reject(new Error(`hub serve exited ${c}`)));
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (fn) => { const t0 = process.hrtime.bigint(); await fn(); return Number(process.hrtime.bigint() - t0) / 1e9; };
const sh = (cmd, args, env = {}) => {
  const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} failed (${r.status})`);
};

const repoDir = path.join(work, 'repos', 'bench', 'big');
makeRepo(repoDir);
const files = fs.readdirSync(repoDir).filter((f) => !f.startsWith('.')).sort();
const totalBytes = files.reduce((n, f) => n + fs.statSync(path.join(repoDir, f)).size, 0);
const server = await serve(path.join(work, 'repos'));
const urls = files.map((f) => `${server.url}/bench/big/resolve/main/${f}`);
const out = path.join(work, 'out');
const fresh = () => { fs.rmSync(out, { recursive: true, force: true }); fs.mkdirSync(out, { recursive: true }); };

let hubLib;
try {
  hubLib = await import(pathToFileURL(path.join(root, 'tests/js/node_modules/@huggingface/hub/dist/index.mjs')).href);
} catch {
  hubLib = null;
}

const contenders = {
  'hub pull': async () => sh(HUB, ['pull', 'bench/big', '-q'], { HF_ENDPOINT: server.url, HF_HUB_CACHE: out }),
  'curl (one by one)': async () => {
    for (const [i, u] of urls.entries()) sh('curl', ['-sf', '-o', path.join(out, files[i]), u]);
  },
  'curl --parallel': async () =>
    sh('curl', ['-sf', '--parallel', '--parallel-max', '16', ...urls.flatMap((u, i) => ['-o', path.join(out, files[i]), u])]),
};
if (hubLib) {
  contenders['@huggingface/hub downloadFile'] = async () => {
    await Promise.all(files.map(async (f) => {
      const blob = await hubLib.downloadFile({ repo: 'bench/big', path: f, hubUrl: server.url });
      const fd = fs.openSync(path.join(out, f), 'w');
      for await (const chunk of blob.stream()) fs.writeSync(fd, chunk);
      fs.closeSync(fd);
    }));
  };
}

const results = {};
for (const [name, fn] of Object.entries(contenders)) {
  const ts = [];
  for (let r = 0; r < runs; r++) {
    fresh();
    ts.push(await time(fn));
  }
  results[name] = median(ts);
  console.error(`${name}: ${ts.map((t) => t.toFixed(2)).join(' ')} s`);
}
server.stop();
const base = results['hub pull'];
console.log(`bench_pull: ${files.length} files, ${(totalBytes / 1e9).toFixed(2)} GB, median of ${runs} runs, ${os.cpus().length} cores`);
console.log('| client | median s | GB/s | time vs hub pull |');
console.log('|---|---|---|---|');
for (const [name, t] of Object.entries(results))
  console.log(`| ${name} | ${t.toFixed(2)} | ${(totalBytes / 1e9 / t).toFixed(2)} | ${(t / base).toFixed(2)}x |`);
console.log(`command: node bench/pull/run.mjs --size-mb ${sizeMb} --runs ${runs}`);
if (!arg('--keep')) fs.rmSync(work, { recursive: true, force: true });
