#!/usr/bin/env node
// bench_tokenizer: encode throughput and load time, libhub (bench_tokenizer) against the Node
// binding tokenizers@0.23.2 (in this process) on the same texts and tokenizer.json files.
//
//   node bench/tokenizer/run.mjs [--mb 10] [--runs 3] [--batch 64] [--only gpt2,llama3] [--keep DIR]
//
// Texts: the lines of tests/fixtures/tokenizer/corpus.jsonl (mixed languages), shuffled with a
// fixed seed and repeated until they hold --mb MB of UTF-8, written to a temporary file (never
// committed). Per tokenizer and peer: load time, then every text encoded one at a time (encode)
// and in batches of --batch (encodeBatch / encode_batch, all cores), medians over --runs; only the
// tokenizer calls are timed. The batches are timed on one thread too (libhub: OpenMP limited to
// one thread; the binding: TOKENIZERS_PARALLELISM=false, in a child process), which is the fair
// single-threaded comparison (the binding's one-text encode pays an async round trip per call),
// and each peer's scaling over cores is its all-cores batch rate over its one-thread batch rate.
// Both peers must produce the same number of tokens.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const BIN = process.env.HUB_BIN_DIR ?? path.join(root, 'build/bin');
const require = createRequire(path.join(root, 'tests/js/package.json'));
const { Tokenizer } = require('tokenizers');
const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : def;
};
const mb = Number(arg('--mb', 10));
const runs = Number(arg('--runs', 3));
const batch = Number(arg('--batch', 64));
const only = arg('--only') ? arg('--only').split(',') : null;
const work = arg('--keep') ?? fs.mkdtempSync(path.join(os.tmpdir(), 'bench-tokenizer-'));

const NM = path.join(root, 'tests/js/node_modules/@lenml');
const SHARED = path.resolve(root, '../shared/data/tokenizers');
const FILES = {
  llama3: path.join(NM, 'tokenizer-llama3/models/tokenizer.json'),
  qwen3: path.join(NM, 'tokenizer-qwen3/models/tokenizer.json'),
  gemma3: path.join(NM, 'tokenizer-gemma3/models/tokenizer.json'),
  gpt2: path.join(SHARED, 'gpt2/tokenizer.json'),
  'bert-base-uncased': path.join(SHARED, 'bert-base-uncased/tokenizer.json'),
};

// mulberry32, so every run benchmarks the same texts.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const lines = fs.readFileSync(path.join(root, 'tests/fixtures/tokenizer/corpus.jsonl'), 'utf8')
  .split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l)).filter((t) => t.length > 0);
const r = rng(0xbe7c);
const texts = [];
let bytes = 0;
while (bytes < mb * 1e6) {
  const order = lines.map((t) => [r(), t]).sort((a, b) => a[0] - b[0]);
  for (const [, t] of order) { texts.push(t); bytes += Buffer.byteLength(t); }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const nowS = () => Number(process.hrtime.bigint()) / 1e9;

// encodeBatch over every text in batches of --batch; seconds per run and the token count.
async function nodeBatches(tok, opts) {
  let s = 0, n = 0;
  for (let i = 0; i < texts.length; i += batch) {
    const t = nowS();
    const encs = await tok.encodeBatch(texts.slice(i, i + batch), opts);
    s += nowS() - t;
    for (const e of encs) n += e.getIds().length;
  }
  return { s, n };
}

// Child mode: the binding's batches on one thread. TOKENIZERS_PARALLELISM=false (set by the
// parent) is read once per process, so this runs in a process of its own.
if (arg('--child-batch')) {
  const tok = Tokenizer.fromFile(arg('--child-batch'));
  const times = [];
  let tokens = 0;
  for (let k = 0; k < runs; k++) {
    const { s, n } = await nodeBatches(tok, { addSpecialTokens: true });
    times.push(s);
    tokens = n;
  }
  console.log(JSON.stringify({ encode_batch_1t_s: median(times), tokens_batch: tokens }));
  process.exit(0);
}

const textsFile = path.join(work, 'texts.jsonl');
fs.writeFileSync(textsFile, texts.map((t) => JSON.stringify(t)).join('\n') + '\n');


async function node(file) {
  let t = nowS();
  const tok = Tokenizer.fromFile(file);
  const load_s = nowS() - t;
  const opts = { addSpecialTokens: true };
  const single = [], batched = [];
  let tokens = 0, tokens_batch = 0;
  for (let k = 0; k < runs; k++) {
    let s = 0, n = 0;
    for (const x of texts) {
      t = nowS();
      const e = await tok.encode(x, null, opts);
      s += nowS() - t;
      n += e.getIds().length;
    }
    single.push(s);
    tokens = n;
    ({ s, n } = await nodeBatches(tok, opts));
    batched.push(s);
    tokens_batch = n;
  }
  return { load_s, encode_s: median(single), encode_batch_s: median(batched), tokens, tokens_batch };
}

function nodeOneThread(file) {
  const p = spawnSync(process.execPath,
    [fileURLToPath(import.meta.url), '--mb', String(mb), '--runs', String(runs), '--batch', String(batch),
     '--child-batch', file, '--keep', work],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26,
      env: { ...process.env, TOKENIZERS_PARALLELISM: 'false' } });
  if (p.status !== 0) throw new Error(`node one-thread batches of ${file} failed (${p.status ?? p.signal})`);
  return JSON.parse(p.stdout.trim().split('\n').pop());
}

function libhub(file) {
  const p = spawnSync(path.join(BIN, 'bench_tokenizer'),
    ['--tokenizer', file, '--texts', textsFile, '--batch', String(batch), '--runs', String(runs)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
  if (p.status !== 0) throw new Error(`bench_tokenizer ${file} failed (${p.status ?? p.signal})`);
  return JSON.parse(p.stdout.trim().split('\n').pop());
}

console.log(`# ${texts.length} texts, ${(bytes / 1e6).toFixed(1)} MB; ${runs} runs; batch ${batch}; ` +
  `${os.cpus().length} cores; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
const MBs = (s) => (bytes / 1e6 / s).toFixed(2);
const rows = [];
for (const [name, file] of Object.entries(FILES)) {
  if (only && !only.includes(name)) continue;
  if (!fs.existsSync(file)) { console.log(`# ${name}: ${file} missing, skipped`); continue; }
  const h = libhub(file);
  const n = await node(file);
  const n1 = nodeOneThread(file);
  if (h.tokens !== n.tokens || h.tokens_batch !== n.tokens_batch || n1.tokens_batch !== n.tokens_batch)
    throw new Error(`${name}: token counts differ (libhub ${h.tokens}/${h.tokens_batch}, node ${n.tokens}/${n.tokens_batch})`);
  const mbFile = (fs.statSync(file).size / 1e6).toFixed(1);
  const x = (a, b) => `${(a / b).toFixed(2)}x`;
  rows.push(`| ${name} (${mbFile} MB) | ${MBs(h.encode_s)} | ${MBs(n.encode_s)} | ${x(n.encode_s, h.encode_s)} | ` +
    `${MBs(h.encode_batch_1t_s)} | ${MBs(n1.encode_batch_1t_s)} | ${x(n1.encode_batch_1t_s, h.encode_batch_1t_s)} | ` +
    `${MBs(h.encode_batch_s)} | ${MBs(n.encode_batch_s)} | ${x(n.encode_batch_s, h.encode_batch_s)} | ` +
    `${x(h.encode_batch_1t_s, h.encode_batch_s)} | ${x(n1.encode_batch_1t_s, n.encode_batch_s)} | ` +
    `${(h.load_s * 1e3).toFixed(0)} | ${(n.load_s * 1e3).toFixed(0)} | ${h.tokens} |`);
  console.error(`${name}: done`);
}
console.log('| tokenizer.json | libhub encode MB/s | node encode MB/s | speedup | libhub batch 1 thread MB/s | ' +
  'node batch 1 thread MB/s | speedup | libhub batch MB/s | node batch MB/s | speedup | libhub scaling | node scaling | ' +
  'libhub load ms | node load ms | tokens |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
if (!arg('--keep')) fs.rmSync(work, { recursive: true, force: true });
