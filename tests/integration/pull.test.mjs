// hub pull against hub serve over the bundled fixture repos, on loopback: byte-identical files,
// the Hugging Face layout, refs, no second download, offline pulls, dedup, and the index.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { hub, serve, tmpdir, walk, FIXTURE_REPOS } from './support/hub_cli.mjs';
import { sha256, gitSha1 } from './support/fake_hub.mjs';

const LFS = /\.(safetensors|bin|gguf|pt|pth|onnx|msgpack|h5|ckpt)$/;
const PICKLE = /\.(bin|pt|pth|ckpt|pkl)$/;
const repos = fs.readdirSync(path.join(FIXTURE_REPOS, 'libhub')).sort();
let server;
let cache;

before(async () => {
  server = await serve(['--repos', FIXTURE_REPOS]);
  cache = tmpdir('libhub-pull-');
});
after(async () => {
  await server?.stop();
});

const env = () => ({ HF_ENDPOINT: server.url, HF_HUB_CACHE: cache });
const pullJson = (args, extraEnv = {}) => {
  const r = hub(['pull', ...args, '--json'], { env: { ...env(), ...extraEnv } });
  assert.equal(r.status, 0, `hub pull ${args.join(' ')} failed:\n${r.stderr}\n${r.stdout}`);
  return JSON.parse(r.stdout);
};

test('every fixture repo pulls byte-identical into the HF layout', () => {
  for (const name of repos) {
    const repoId = `libhub/${name}`;
    const src = path.join(FIXTURE_REPOS, 'libhub', name);
    const res = pullJson([repoId]);
    assert.match(res.commit, /^[0-9a-f]{40}$/);
    const repoDir = path.join(cache, `models--libhub--${name}`);
    assert.equal(res.folder, path.join(repoDir, 'snapshots', res.commit));
    // refs/main holds the commit, no newline (C37).
    assert.equal(fs.readFileSync(path.join(repoDir, 'refs', 'main'), 'utf8'), res.commit);
    const srcFiles = walk(src);
    const hasSafetensors = srcFiles.some((f) => f.endsWith('.safetensors'));
    const expected = srcFiles.filter((f) => !(hasSafetensors && PICKLE.test(f)));
    assert.deepEqual(walk(res.folder), expected, `${name}: snapshot file set`);
    assert.deepEqual(res.skipped.sort(), srcFiles.filter((f) => hasSafetensors && PICKLE.test(f)));
    for (const rel of expected) {
      const content = fs.readFileSync(path.join(src, rel));
      const link = path.join(res.folder, rel);
      const etag = LFS.test(rel) ? sha256(content) : gitSha1(content);
      // Relative symlink into blobs/, named by sha256 (LFS) or git sha1 (C38, C39).
      const depth = rel.split('/').length - 1;
      assert.equal(fs.readlinkSync(link), path.join(...Array(depth + 2).fill('..'), 'blobs', etag));
      assert.ok(fs.readFileSync(link).equals(content), `${name}/${rel} differs`);
      const f = res.files.find((x) => x.path === rel);
      assert.equal(f.blob, etag);
      assert.equal(f.lfs, LFS.test(rel));
    }
    // Nothing partial left behind.
    assert.deepEqual(fs.readdirSync(path.join(repoDir, 'blobs')).filter((b) => b.includes('incomplete')), []);
  }
});

test('a second pull downloads nothing', () => {
  const res = pullJson(['libhub/bert_mlm']);
  assert.equal(res.bytes_downloaded, 0);
  assert.ok(res.files.every((f) => f.action === 'cached'), JSON.stringify(res.files));
});

test('offline pull resolves through refs/ with no server at all', () => {
  const dead = { HF_ENDPOINT: 'http://127.0.0.1:9', HF_HUB_OFFLINE: '1' };
  const res = pullJson(['libhub/llama_lm'], dead);
  assert.equal(res.offline, true);
  assert.ok(res.files.length > 3);
  const viaFlag = hub(['pull', 'libhub/llama_lm', '--offline', '--endpoint', 'http://127.0.0.1:9'], { env: { HF_HUB_CACHE: cache } });
  assert.equal(viaFlag.status, 0, viaFlag.stderr);
  assert.equal(viaFlag.stdout.trim().split('\n').pop(), res.folder);
  // A revision that was never pulled is a clear "not cached" error (exit 3).
  const miss = hub(['pull', 'libhub/llama_lm', '--revision', 'v9'], { env: { HF_HUB_CACHE: cache, ...dead } });
  assert.equal(miss.status, 3);
  assert.match(miss.stderr, /not in the cache/);
  const repoMiss = hub(['pull', 'libhub/never_pulled'], { env: { HF_HUB_CACHE: cache, ...dead } });
  assert.equal(repoMiss.status, 3);
});

test('offline pull of a commit hash needs no ref; a short hash does not resolve', () => {
  const full = pullJson(['libhub/qwen2_lm']).commit;
  const dead = { HF_ENDPOINT: 'http://127.0.0.1:9', HF_HUB_OFFLINE: '1' };
  const res = pullJson(['libhub/qwen2_lm', '--revision', full], dead);
  assert.equal(res.commit, full);
  const short = hub(['pull', 'libhub/qwen2_lm', '--revision', full.slice(0, 7)], { env: { HF_HUB_CACHE: cache, ...dead } });
  assert.equal(short.status, 3);
});

test('a blob shared by two repos is linked, not downloaded again (LFS and git blobs)', () => {
  // minilm_base and minilm_st ship the same model.safetensors; llama_lm and llama_medium the
  // same tokenizer.json.
  for (const [first, second, file] of [['minilm_base', 'minilm_st', 'model.safetensors'], ['llama_lm', 'llama_medium', 'tokenizer.json']]) {
    const fresh = tmpdir('libhub-dedup-');
    const e = { HF_HUB_CACHE: fresh };
    const a = pullJson([`libhub/${first}`, '--include', file], e);
    const b = pullJson([`libhub/${second}`, '--include', file], e);
    assert.equal(a.files[0].action, 'downloaded');
    assert.equal(a.files[0].blob, b.files[0].blob, `fixtures ${first}/${second} no longer share ${file}`);
    assert.equal(b.files[0].action, 'linked');
    assert.equal(b.bytes_downloaded, 0);
    const ia = fs.statSync(path.join(fresh, `models--libhub--${first}`, 'blobs', a.files[0].blob)).ino;
    const ib = fs.statSync(path.join(fresh, `models--libhub--${second}`, 'blobs', b.files[0].blob)).ino;
    assert.equal(ia, ib, 'expected a hard link');
    assert.ok(fs.readFileSync(path.join(b.folder, file)).equals(fs.readFileSync(path.join(FIXTURE_REPOS, 'libhub', second, file))));
  }
});

test('include/exclude globs and dry runs', () => {
  const fresh = tmpdir('libhub-glob-');
  const e = { HF_HUB_CACHE: fresh };
  const dry = pullJson(['libhub/gpt2_lm', '--dry-run'], e);
  assert.ok(dry.files.every((f) => f.action === 'planned'));
  assert.equal(fs.existsSync(path.join(fresh, 'models--libhub--gpt2_lm')), false, 'dry run wrote to the cache');
  const json = pullJson(['libhub/gpt2_lm', '--include', '*.json', '--exclude', 'golden*'], e);
  assert.deepEqual(json.files.map((f) => f.path).sort(),
    ['config.json', 'generation_config.json', 'model.safetensors.index.json', 'tokenizer.json', 'tokenizer_config.json']);
  const pickle = pullJson(['libhub/gpt2_lm', '--include', '*.bin', '--allow-pickle'], e);
  assert.deepEqual(pickle.files.map((f) => f.path), ['pytorch_model.bin']);
});

test('explicit --include patterns decide: the default pickle skip does not apply', () => {
  const fresh = tmpdir('libhub-pickle-');
  const e = { HF_HUB_CACHE: fresh };
  const bin = pullJson(['libhub/gpt2_lm', '--include', 'pytorch_model.bin'], e);
  assert.deepEqual(bin.files.map((f) => f.path), ['pytorch_model.bin']);
  assert.ok(!bin.skipped.includes('pytorch_model.bin'));
  const src = fs.readFileSync(path.join(FIXTURE_REPOS, 'libhub/gpt2_lm/pytorch_model.bin'));
  assert.ok(fs.readFileSync(path.join(bin.folder, 'pytorch_model.bin')).equals(src));
  // With no --include the skip still applies, --exclude alone included.
  const excl = pullJson(['libhub/gpt2_lm', '--exclude', 'golden*', '--dry-run'], e);
  assert.ok(excl.skipped.includes('pytorch_model.bin'));
  assert.ok(!excl.files.some((f) => f.path === 'pytorch_model.bin'));
});

test('a selection that matches no file fails and leaves the cache untouched', () => {
  const fresh = tmpdir('libhub-nomatch-');
  const r = hub(['pull', 'libhub/gpt2_lm', '--include', 'nothing*'], { env: { ...env(), HF_HUB_CACHE: fresh } });
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stderr, /error: no file of libhub\/gpt2_lm at 'main' matches --include 'nothing\*'/);
  assert.equal(r.stdout, '', 'a snapshot path was printed');
  assert.deepEqual(fs.readdirSync(fresh).filter((n) => n.startsWith('models--')), [], 'the cache was written');
  const ls = hub(['cache', 'ls', '--json', '--cache-dir', fresh]);
  assert.equal(ls.status, 0, ls.stderr);
  assert.deepEqual(JSON.parse(ls.stdout), []);
  // Offline, against a cache that holds the repo: the same error, nothing written either.
  const refs = path.join(cache, 'models--libhub--gpt2_lm', 'refs');
  const before = walk(path.join(cache, 'models--libhub--gpt2_lm'));
  const off = hub(['pull', 'libhub/gpt2_lm', '--offline', '--include', 'nothing*'], { env: env() });
  assert.equal(off.status, 3, off.stderr);
  assert.match(off.stderr, /no file of libhub\/gpt2_lm at 'main' matches --include 'nothing\*'/);
  assert.deepEqual(walk(path.join(cache, 'models--libhub--gpt2_lm')), before);
  assert.ok(fs.existsSync(refs));
});

test('the last line of stdout is the snapshot folder; --quiet prints only that', () => {
  const r = hub(['pull', 'libhub/minilm_st', '-q'], { env: env() });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  assert.ok(fs.statSync(lines[0]).isDirectory());
  assert.equal(r.stderr, '');
});

test('local-dir mode writes real files and metadata', () => {
  const dir = tmpdir('libhub-local-');
  const res = pullJson(['libhub/bert_ner', '--local-dir', dir]);
  assert.equal(res.folder, dir);
  const cfg = path.join(dir, 'config.json');
  assert.ok(fs.lstatSync(cfg).isFile());
  const meta = fs.readFileSync(path.join(dir, '.cache/huggingface/download/config.json.metadata'), 'utf8').split('\n');
  assert.equal(meta[0], res.commit);
  assert.equal(meta[1], gitSha1(fs.readFileSync(cfg)));
  assert.match(meta[2], /^\d+\.\d+$/);
});

test('cache ls agrees with the disk', () => {
  const r = hub(['cache', 'ls', '--json', '--cache-dir', cache]);
  assert.equal(r.status, 0, r.stderr);
  const list = JSON.parse(r.stdout);
  for (const name of ['bert_mlm', 'llama_lm', 'gpt2_lm']) {
    const entry = list.find((x) => x.repo === `libhub/${name}` || x.repo_id === `libhub/${name}` || x.id === `libhub/${name}`);
    assert.ok(entry, `libhub/${name} missing from cache ls: ${r.stdout.slice(0, 500)}`);
    const blobs = path.join(cache, `models--libhub--${name}`, 'blobs');
    const size = fs.readdirSync(blobs).reduce((s, b) => s + fs.statSync(path.join(blobs, b)).size, 0);
    assert.equal(entry.size, size, `${name}: size`);
  }
});

test('bad arguments fail clearly', () => {
  const bad = hub(['pull', 'not a repo'], { env: env() });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /invalid repo id/);
  const badRev = hub(['pull', 'libhub/bert_mlm', '--revision', 'a..b'], { env: env() });
  assert.equal(badRev.status, 2);
  const missing = hub(['pull', 'libhub/does_not_exist'], { env: env() });
  assert.equal(missing.status, 3);
  assert.match(missing.stderr, /not found/);
  const rev = hub(['pull', 'libhub/bert_mlm', '--revision', 'nope'], { env: env() });
  assert.equal(rev.status, 3);
  assert.match(rev.stderr, /revision/);
});
