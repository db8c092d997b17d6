// `hub tokenize` / `hub detokenize` on bad input: malformed or unsupported tokenizer.json files
// fail with a message naming the field and the reason (never a crash, never a wrong answer), bad
// input lines are reported per line, and detokenize agrees with the HF binding's decode.
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
const TRAINED = path.join(SRC, 'tests/fixtures/tokenizers-trained');

function hub(args, input) {
  const r = spawnSync(HUB, args, { encoding: 'utf8', input, timeout: 120000 });
  if (r.error) throw r.error;
  return r;
}

function withFile(content, fn) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libhub-tokerr-'));
  const file = path.join(dir, 'tokenizer.json');
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  try {
    return fn(file, dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const base = () => JSON.parse(fs.readFileSync(path.join(TRAINED, 'trained_wp.json'), 'utf8'));

// Each case: a broken document, the expected error code, and text the message must contain.
const CASES = [
  ['truncated JSON', () => '{"version": "1.0", "model": {', 'invalid_input', 'not valid JSON'],
  ['no model', () => { const j = base(); delete j.model; return j; }, 'invalid_input', '`model`'],
  ['bad merge', () => {
    const j = JSON.parse(fs.readFileSync(path.join(TRAINED, 'trained_gpt2.json'), 'utf8'));
    j.model.merges[3] = 'Ġzzqq Ġqqzz';
    return j;
  }, 'invalid_input', 'model.merges[3]'],
  ['unknown normalizer', () => { const j = base(); j.normalizer = { type: 'Sequence', normalizers: [{ type: 'Lowercase' }, { type: 'Bogus' }] }; return j; },
    'invalid_input', 'normalizer.normalizers[1].type'],
  ['added token without flags', () => { const j = base(); delete j.added_tokens[1].special; return j; },
    'invalid_input', 'added_tokens[1]'],
  ['BPE dropout', () => {
    const j = JSON.parse(fs.readFileSync(path.join(TRAINED, 'trained_gpt2.json'), 'utf8'));
    j.model.dropout = 0.1;
    return j;
  }, 'unsupported', 'dropout'],
  ['bad regex', () => { const j = base(); j.pre_tokenizer = { type: 'Split', pattern: { Regex: '(' }, behavior: 'Isolated', invert: false }; return j; },
    'invalid_input', 'pre_tokenizer.pattern.Regex'],
];

for (const [name, make, code, needle] of CASES) {
  test(`hub tokenize rejects: ${name}`, () => {
    withFile(make(), (file) => {
      const r = hub(['tokenize', file, '--json'], 'hello\n');
      assert.equal(r.status, 2, `exit status (stderr: ${r.stderr})`);
      const err = JSON.parse(r.stdout.trim()).error;
      assert.equal(err.code, code, err.message);
      assert.ok(err.message.includes(needle), `message "${err.message}" should mention ${needle}`);
      assert.ok(err.message.includes(file), 'the message names the file');
      if (code === 'invalid_input' && name !== 'bad regex') {
        // The reference refuses these documents too.
        assert.throws(() => Tokenizer.fromFile(file));
      }
    });
  });
}

test('a missing file or folder is reported', () => {
  const r = hub(['tokenize', '/nonexistent/tok', '--json'], 'x\n');
  assert.notEqual(r.status, 0);
  assert.match(JSON.parse(r.stdout.trim()).error.message, /tokenizer\.json/);
});

test('bad input lines are reported per line and the others still encode', () => {
  const file = path.join(TRAINED, 'trained_gpt2.json');
  const r = hub(['tokenize', file, '--jsonl', '-', '--json'], '"ok"\nnot json\n42\n"\\ud800 lone"\n');
  assert.equal(r.status, 1);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 4);
  assert.ok(lines[0].ids.length > 0);
  assert.match(lines[1].error.message, /line 2: not valid JSON/);
  assert.match(lines[2].error.message, /line 3: expected a JSON string/);
  assert.equal(lines[3].decode, '\ufffd lone');  // a lone surrogate becomes U+FFFD, as in the binding
});

test('hub detokenize agrees with the binding, with and without special tokens', async () => {
  for (const f of ['trained_wp.json', 'trained_sp.json', 'trained_roberta.json']) {
    const file = path.join(TRAINED, f);
    const tok = Tokenizer.fromFile(file);
    const texts = ['Hello world!', 'héllo  wörld 😀', 'a\tb\nc'];
    const ids = [];
    for (const t of texts) ids.push((await tok.encode(t, null, { addSpecialTokens: true })).getIds());
    ids.push([0, 1, 2, 3, 999999]);  // unknown ids are dropped
    const input = ids.map((x) => JSON.stringify(x)).join('\n') + '\n';
    for (const skip of [false, true]) {
      const r = hub(['detokenize', file, '--json', ...(skip ? ['--skip-special'] : [])], input);
      assert.equal(r.status, 0, r.stderr);
      const got = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
      for (let i = 0; i < ids.length; i++) assert.equal(got[i], await tok.decode(ids[i], skip), `${f} #${i}`);
    }
  }
});
