// Helpers to run build/bin/hub from node:test suites.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const HUB = process.env.HUB_BIN ?? path.resolve('build/bin/hub');
export const SRC = process.env.HUB_SOURCE_DIR ?? path.resolve('.');
export const FIXTURE_REPOS = path.join(SRC, 'tests/fixtures/repos');
export const TOKEN = 'hf_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7'.slice(0, 34);

export function tmpdir(prefix = 'libhub-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// Runs hub synchronously with a clean HF environment; returns {status, stdout, stderr}.
export function hub(args, { env = {}, input } = {}) {
  const base = { PATH: process.env.PATH, HOME: process.env.HOME ?? os.tmpdir(), HUB_RETRY_BASE_MS: '20' };
  const r = spawnSync(HUB, args, { env: { ...base, ...env }, encoding: 'utf8', input, timeout: 120000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Asynchronous variant, for tests whose fake server lives in this same process.
export function hubAsync(args, { env = {} } = {}) {
  const base = { PATH: process.env.PATH, HOME: process.env.HOME ?? os.tmpdir(), HUB_RETRY_BASE_MS: '20' };
  return new Promise((resolve, reject) => {
    const child = spawn(HUB, args, { env: { ...base, ...env } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

// Starts `hub serve` and resolves once it prints "serving <url>".
export function serve(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(HUB, ['serve', '--port', '0', '-q', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    const timer = setTimeout(() => reject(new Error('hub serve did not start: ' + err)), 30000);
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const m = /serving (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], child, stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }) });
      }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`hub serve exited ${code}: ${err}`)); });
  });
}

// Every regular file below dir, as relative paths.
export function walk(dir, base = dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p, base));
    else out.push(path.relative(base, p));
  }
  return out.sort();
}
