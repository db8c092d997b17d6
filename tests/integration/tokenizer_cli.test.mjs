// `hub tokenize` / `hub detokenize` over what AutoTokenizer accepts: a model folder, a repo id
// pulled from `hub serve` (then found offline in the cache), and a legacy vocab.txt folder;
// encodings and decodes compared with tokenizers@0.23.2 on the fixture repos' tokenizer.json.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { hub, serve, tmpdir, FIXTURE_REPOS, SRC } from './support/hub_cli.mjs';

const require = createRequire(path.join(SRC, 'tests/js/package.json'));
const { Tokenizer } = require('tokenizers');

const REPOS = ['bert_mlm', 'roberta_cls', 'llama_lm', 'gpt2_lm', 't5_s2s'];
const corpus = fs.readFileSync(path.join(SRC, 'tests/fixtures/tokenizer/corpus.jsonl'), 'utf8')
  .split('\n').filter((l) => l.trim()).slice(0, 40);
const texts = corpus.map((l) => JSON.parse(l));

let server;
let cache;
before(async () => {
  server = await serve(['--repos', FIXTURE_REPOS]);
  cache = tmpdir('libhub-tokcli-');
});
after(async () => {
  await server?.stop();
  if (cache) fs.rmSync(cache, { recursive: true, force: true });
});

function run(args, input, env = {}) {
  const r = hub(args, { input, env });
  assert.equal(r.status, 0, `hub ${args.join(' ')}:\n${r.stderr}\n${r.stdout}`);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l));
}

async function reference(repo) {
  const tok = Tokenizer.fromFile(path.join(FIXTURE_REPOS, 'libhub', repo, 'tokenizer.json'));
  const out = [];
  for (const t of texts) out.push((await tok.encode(t, null, { addSpecialTokens: true })).getIds());
  return { tok, ids: out };
}

test('hub tokenize and detokenize on a model folder agree with the binding', async () => {
  for (const repo of REPOS) {
    const { tok, ids } = await reference(repo);
    const got = run(['tokenize', path.join(FIXTURE_REPOS, 'libhub', repo), '--jsonl', '-', '--json'], corpus.join('\n') + '\n');
    assert.deepEqual(got.map((e) => e.ids), ids, repo);
    const input = ids.map((x) => JSON.stringify(x)).join('\n') + '\n';
    for (const skip of [false, true]) {
      const dec = run(['detokenize', path.join(FIXTURE_REPOS, 'libhub', repo), '--json', ...(skip ? ['--skip-special'] : [])], input);
      for (let i = 0; i < ids.length; i++) assert.equal(dec[i], await tok.decode(ids[i], skip), `${repo} #${i} skip=${skip}`);
    }
  }
});

test('hub tokenize and detokenize take a repo id, pulled once then served from the cache offline', async () => {
  const env = { HF_ENDPOINT: server.url, HF_HUB_CACHE: cache };
  for (const repo of ['bert_mlm', 'gpt2_lm']) {
    const { tok, ids } = await reference(repo);
    const got = run(['tokenize', `libhub/${repo}`, '--jsonl', '-', '--json'], corpus.join('\n') + '\n', env);
    assert.deepEqual(got.map((e) => e.ids), ids, repo);
    const input = ids.map((x) => JSON.stringify(x)).join('\n') + '\n';
    const dec = run(['detokenize', `libhub/${repo}`, '--json', '--offline'], input, { HF_HUB_CACHE: cache, HF_ENDPOINT: 'http://127.0.0.1:9' });
    for (let i = 0; i < ids.length; i++) assert.equal(dec[i], await tok.decode(ids[i], false), `${repo} #${i}`);
  }
  // Not in the cache and offline: the pull error, not a crash.
  const r = hub(['tokenize', 'libhub/never_pulled', '--offline', '--json'], { input: 'x\n', env: { HF_HUB_CACHE: cache } });
  assert.notEqual(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout.trim()).error.code, 'not_cached', r.stdout);
});

test('hub tokenize and detokenize on a legacy vocab.txt folder agree with the binding', async () => {
  const { tok, ids } = await reference('bert_mlm');
  const json = JSON.parse(fs.readFileSync(path.join(FIXTURE_REPOS, 'libhub/bert_mlm/tokenizer.json'), 'utf8'));
  const vocab = [];
  for (const [t, id] of Object.entries(json.model.vocab)) vocab[id] = t;
  const dir = tmpdir('libhub-tokcli-vocab-');
  fs.writeFileSync(path.join(dir, 'vocab.txt'), vocab.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify({ tokenizer_class: 'BertTokenizer', do_lower_case: true }));
  const got = run(['tokenize', dir, '--jsonl', '-', '--json'], corpus.join('\n') + '\n');
  assert.deepEqual(got.map((e) => e.ids), ids);
  const dec = run(['detokenize', dir, '--json', '--skip-special'], ids.map((x) => JSON.stringify(x)).join('\n') + '\n');
  for (let i = 0; i < ids.length; i++) assert.equal(dec[i], await tok.decode(ids[i], true), `#${i}`);
  fs.rmSync(dir, { recursive: true, force: true });
});
