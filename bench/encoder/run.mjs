#!/usr/bin/env node
// bench_encoder: BERT-base (random weights, F32) inference, libhub (bench_encoder, AutoModel)
// against eager PyTorch (torch_bert.py) on the same model file and inputs, the two peers run
// alternately in the same invocation. Checks first that both compute the same last hidden state.
//
//   node bench/encoder/run.mjs [--runs 5] [--iters 5] [--warmup 2] [--batches 1,32] [--seq 128]
//                              [--threads N] [--keep DIR] [--gemm 4096x3072x768]
//                              [--layers 12 --hidden 768 --heads 12 --intermediate 3072 --vocab 30522]
//
// Each run is one process per peer and batch size (so peak RSS is per configuration) doing
// --warmup + --iters forwards; the table shows the median over --runs of each process's median.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const BIN = process.env.HUB_BIN_DIR ?? path.join(root, 'build/bin');
const PYTHON = process.env.TORCH_PYTHON ?? '/usr/bin/python3';
const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : def;
};
const runs = Number(arg('--runs', 5));
const iters = Number(arg('--iters', 5));
const warmup = Number(arg('--warmup', 2));
const batches = arg('--batches', '1,32').split(',').map(Number);
const seq = Number(arg('--seq', 128));
const threads = Number(arg('--threads', os.cpus().length));
const [gm, gn, gk] = arg('--gemm', '4096x3072x768').split('x').map(Number);
const shapeArgs = ['--layers', '--hidden', '--heads', '--intermediate', '--vocab']
  .flatMap((o) => (arg(o) ? [o, arg(o)] : []));
const work = arg('--keep') ?? fs.mkdtempSync(path.join(os.tmpdir(), 'bench-encoder-'));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
// Runs a peer and returns the JSON of its last stdout line; throws on failure unless `statusOk`
// accepts the exit status (torch_bert.py --check exits 3 with its JSON on a mismatch).
function run(cmd, args, statusOk = (s) => s === 0) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
  if (!statusOk(r.status)) {
    console.error(r.stdout);
    throw new Error(`${path.basename(cmd)} ${args.join(' ')} failed (${r.status ?? r.signal})`);
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

// 1. The model, once per shape (a marker records the generator arguments).
const modelDir = path.join(work, 'model');
const marker = path.join(modelDir, '.bench-args');
if (!fs.existsSync(marker) || fs.readFileSync(marker, 'utf8') !== shapeArgs.join(' ')) {
  fs.rmSync(modelDir, { recursive: true, force: true });
  const r = spawnSync(path.join(BIN, 'bench_encoder_gen'), ['--out', modelDir, ...shapeArgs], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('bench_encoder_gen failed');
  fs.writeFileSync(marker, shapeArgs.join(' '));
}

// 2. Same numbers from both peers, on a padded batch, or the comparison means nothing.
const dump = path.join(work, 'check.safetensors');
run(path.join(BIN, 'bench_encoder'), ['--model', modelDir, '--dump', dump, '--batch', '3', '--seq', '16', '--threads', String(threads)]);
const check = run(PYTHON, [path.join(here, 'torch_bert.py'), '--model', modelDir, '--check', dump, '--threads', String(threads)],
  (status) => status === 0 || status === 3);
console.error(`check: ${JSON.stringify(check)}`);
if (check.check !== 'ok') {
  console.error(`bench_encoder: libhub and PyTorch disagree on the last hidden state (max |diff| ` +
    `${check.max_abs_diff} > ${check.tolerance}); not benchmarking`);
  process.exit(1);
}

// 3. Alternate the peers (which goes first flips every run).
const peers = {
  libhub: (b) => run(path.join(BIN, 'bench_encoder'), common(b)),
  PyTorch: (b) => run(PYTHON, [path.join(here, 'torch_bert.py'), ...common(b)]),
};
function common(batch) {
  return ['--model', modelDir, '--batch', String(batch), '--seq', String(seq), '--warmup', String(warmup),
    '--runs', String(iters), '--threads', String(threads)];
}
const load = [os.loadavg()[0]];
const results = {};  // `${peer} ${batch}` -> [json per run]
for (let r = 0; r < runs; r++) {
  for (const batch of batches) {
    const order = r % 2 === 0 ? ['libhub', 'PyTorch'] : ['PyTorch', 'libhub'];
    for (const peer of order) {
      const j = peers[peer](batch);
      (results[`${peer} ${batch}`] ??= []).push(j);
      console.error(`run ${r + 1}/${runs} batch ${batch} ${peer}: ${j.median_ms.toFixed(1)} ms, ${j.gflops.toFixed(1)} GFLOP/s, peak RSS ${j.peak_rss_mb.toFixed(0)} MB`);
    }
  }
}
load.push(os.loadavg()[0]);

// 4. sgemm peaks at an FFN-sized GEMM (4096 tokens = batch 32 x 128).
const gemm = run(path.join(BIN, 'bench_encoder'), ['--gemm-peak', '--m', String(gm), '--n', String(gn), '--k', String(gk),
  '--threads', String(threads), '--runs', String(Math.max(iters, 5))]);
load.push(os.loadavg()[0]);

// 5. Report.
const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ?? 'unknown CPU';
const torchVersion = results[`PyTorch ${batches[0]}`][0].torch;
const weightsMb = results[`libhub ${batches[0]}`][0].weights_mb;
const f = (x, d = 1) => x.toFixed(d);
console.log(`bench_encoder: BertModel ${shapeArgs.join(' ') || 'BERT-base'} F32, seq ${seq}, ${threads} threads, ` +
  `${os.cpus().length} CPUs (${cpu}), torch ${torchVersion}; median of ${runs} runs x ${iters} forwards ` +
  `(after ${warmup} warmup); load average ${load.map((x) => f(x, 2)).join(' / ')} (start / after peers / after gemm)`);
console.log(`check: max |libhub - PyTorch| = ${check.max_abs_diff.toExponential(2)} on a padded [3, 16] batch (tolerance ${check.tolerance})`);
console.log('');
console.log(`| batch | peer | median ms | sequences/s | tokens/s | GFLOP/s | peak RSS MB | peak RSS - RSS before load - weights (${f(weightsMb, 0)} MB) |`);
console.log('|---|---|---|---|---|---|---|---|');
const ratios = [];
for (const batch of batches) {
  const row = {};
  for (const peer of Object.keys(peers)) {
    const rs = results[`${peer} ${batch}`];
    const ms = median(rs.map((j) => j.median_ms));
    const flop = rs[0].gflop_per_forward;
    row[peer] = ms;
    console.log(`| ${batch} | ${peer} | ${f(ms)} | ${f(batch / (ms / 1e3))} | ${f(batch * seq / (ms / 1e3), 0)} | ` +
      `${f(flop / (ms / 1e3))} | ${f(median(rs.map((j) => j.peak_rss_mb)), 0)} | ` +
      `${f(median(rs.map((j) => j.peak_rss_mb - j.start_rss_mb - weightsMb)), 0)} |`);
  }
  ratios.push(`batch ${batch}: ${f(row.PyTorch / row.libhub, 2)}x`);
}
const cfg = JSON.parse(fs.readFileSync(path.join(modelDir, 'config.json'), 'utf8'));
const actMb = (b) => (b * seq * (7 * cfg.hidden_size + cfg.intermediate_size) * 4) / 1e6;
console.log('');
console.log(`libhub / PyTorch throughput: ${ratios.join(', ')}`);
console.log(`libhub activations by design (hidden, scratch, context, QKV, FFN buffers and the returned copy, ` +
  `tokens x (7 x hidden + intermediate) x 4 B): ${batches.map((b) => `batch ${b}: ${f(actMb(b))} MB`).join(', ')}`);
console.log('');
console.log(`sgemm ${gm}x${gn}x${gk} (x · Wᵀ), GFLOP/s, median of ${gemm.runs}:`);
console.log('');
console.log(`| library | 1 thread | ${threads} threads, engine-style (column blocks, 1-thread calls) | ${threads} threads, library-threaded |`);
console.log('|---|---|---|---|');
for (const lib of ['openblas', 'onednn']) {
  const g = gemm[lib];
  if (g) console.log(`| ${g.config} | ${f(g.one_thread)} | ${f(g.engine_style)} | ${f(g.library_threads)} |`);
}
if (!gemm.onednn) console.log('(oneDNN: not built in; install libdnnl-dev and reconfigure)');
console.log('');
const envs = Object.entries(process.env).filter(([k]) => /^(OMP_|GOMP_|OPENBLAS_|HUB_BIN_DIR|TORCH_PYTHON)/.test(k))
  .map(([k, v]) => `${k}=${v} `).join('');
console.log(`command: ${envs}node bench/encoder/run.mjs ${process.argv.slice(2).filter((a, i, all) => a !== '--keep' && all[i - 1] !== '--keep').join(' ')}`.trim());
if (!arg('--keep')) fs.rmSync(work, { recursive: true, force: true });
