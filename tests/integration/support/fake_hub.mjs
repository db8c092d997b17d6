// A small, scriptable Hub double for fault-injection tests. It speaks just enough of the Hub
// protocol for a pull (repo info, tree, resolve) and can misbehave per file: corrupt bytes,
// truncate bodies, drop connections, answer any status with the Hub's error headers, ignore
// Range, redirect to another loopback host or to its own /storage/, or list unsafe paths. Every
// request is recorded (method, url, headers) for assertions.
import http from 'node:http';
import crypto from 'node:crypto';

export const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');
export const gitSha1 = (buf) =>
  crypto.createHash('sha1').update(Buffer.concat([Buffer.from(`blob ${buf.length}\0`), buf])).digest('hex');

const LFS = /\.(safetensors|bin|gguf|pt|pth|onnx|msgpack|h5|ckpt)$/;

// files: { path: { content: Buffer|string, fault?: {...} } }
//   fault.kind: 'corrupt' | 'truncate' | 'drop' | 'status' | 'ignore-range' | 'redirect' | 'slow' | 'stall'
//   fault.rate: bytes per second for 'slow'; fault.ms: silence before the body for 'stall'
//   fault.times: how many requests misbehave (default: all); or an array of per-request faults
//   fault.status, fault.retryAfter (a value, or a function giving it at answer time),
//   fault.errorCode (X-Error-Code), fault.errorMessage (X-Error-Message and JSON "error"): for 'status'
//   fault.target: base URL of another server for 'redirect'; '' redirects to this server's own
//   /storage/<etag> with a host-less Location; fault.status picks the redirect status (default 302)
// extraTree: entries appended to the tree listing as-is (unsafe paths, ...).
// infoFault: a 'status' fault for every repo info request (RepoNotFound, a disabled repo, ...).
// tokens: when given, a request whose Bearer token is not in it gets the Hub's 401 for an
//   invalid token on every route (requests without a token pass).
export async function startFakeHub({ repo = 'acme/tiny', commit = 'c'.repeat(40), files = {}, extraTree = [], host = '127.0.0.1', infoFault, tokens } = {}) {
  const requests = [];
  const entries = Object.entries(files).map(([path, spec]) => {
    const content = Buffer.isBuffer(spec.content) ? spec.content : Buffer.from(spec.content ?? '');
    const lfs = LFS.test(path);
    return { path, content, lfs, etag: lfs ? sha256(content) : gitSha1(content), fault: spec.fault, hits: 0 };
  });
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const byEtag = new Map(entries.map((e) => [e.etag, e]));

  const server = http.createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, headers: req.headers });
    const url = new URL(req.url, 'http://x');
    const p = decodeURIComponent(url.pathname);
    const json = (status, body, headers = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const auth = /^Bearer (.*)$/.exec(req.headers.authorization ?? '');
    if (tokens && auth && !tokens.includes(auth[1])) {
      return json(401, { error: 'Invalid credentials in Authorization header' });
    }
    if (infoFault && p.startsWith(`/api/models/${repo}/revision/`)) return sendStatus(res, infoFault);
    if (p === `/api/models/${repo}/revision/main` || p === `/api/models/${repo}/revision/${commit}`) {
      return json(200, { id: repo, sha: commit, siblings: entries.map((e) => ({ rfilename: e.path })) });
    }
    if (p.startsWith(`/api/models/${repo}/revision/`)) {
      return json(404, { error: 'Invalid rev id' }, { 'X-Error-Code': 'RevisionNotFound' });
    }
    if (p === `/api/models/${repo}/tree/${commit}`) {
      const tree = entries.map((e) => ({
        type: 'file', path: e.path, size: e.content.length,
        oid: e.lfs ? gitSha1(Buffer.from(`pointer ${e.path}`)) : e.etag,
        ...(e.lfs ? { lfs: { oid: e.etag, size: e.content.length, pointerSize: 130 } } : {}),
      }));
      return json(200, [...tree, ...extraTree]);
    }
    const prefix = `/${repo}/resolve/${commit}/`;
    if (p.startsWith(prefix)) {
      const e = byPath.get(p.slice(prefix.length));
      if (!e) return json(404, { error: 'Entry not found' }, { 'X-Error-Code': 'EntryNotFound', 'X-Repo-Commit': commit });
      return serveFile(req, res, e, commit, requests[requests.length - 1]);
    }
    if (p.startsWith('/storage/')) {
      // Same-origin storage for host-less redirects: plain bytes by etag.
      const e = byEtag.get(p.slice('/storage/'.length));
      if (!e) return json(404, { error: 'no such blob' });
      res.writeHead(200, { 'Content-Length': String(e.content.length), ETag: `"${e.etag}"` });
      return res.end(e.content);
    }
    if (p.startsWith('/api/models/') || p.includes('/resolve/')) {
      return json(401, { error: 'Repository not found' }, { 'X-Error-Code': 'RepoNotFound' });
    }
    json(404, { error: 'no such route' });
  });
  await new Promise((r) => server.listen(0, host, r));
  const url = `http://${host}:${server.address().port}`;
  // Replaces a file's fault while the server runs (e.g. to let a resumed pull go fast).
  const setFault = (path, fault) => { const e = byPath.get(path); e.fault = fault; e.hits = 0; };
  const bytesSent = () => requests.reduce((n, r) => n + (r.sent ?? 0), 0);
  return { url, requests, server, setFault, bytesSent, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}

function serveFile(req, res, e, commit, record) {
  // A fault is an object (optionally limited to the first `times` requests) or an array giving
  // the fault of each successive request.
  const f = Array.isArray(e.fault) ? e.fault[e.hits] : e.fault;
  const active = Boolean(f) && (Array.isArray(e.fault) || f.times === undefined || e.hits < f.times);
  e.hits++;
  const total = e.content.length;
  const headers = {
    'X-Repo-Commit': commit, ETag: `"${e.etag}"`, 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream',
    ...(e.lfs ? { 'X-Linked-Etag': `"${e.etag}"`, 'X-Linked-Size': String(total) } : {}),
  };
  if (active && f.kind === 'status') return sendStatus(res, f);
  if (active && f.kind === 'redirect') {
    res.writeHead(f.status ?? 302, { ...headers, Location: `${f.target}/storage/${e.etag}` });
    return res.end();
  }
  let start = 0, end = total - 1, status = 200;
  const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  if (m && !(active && (f.kind === 'ignore-range' || f.kind === 'truncate'))) {
    start = Number(m[1]);
    end = m[2] ? Math.min(Number(m[2]), total - 1) : total - 1;
    status = 206;
    headers['Content-Range'] = `bytes ${start}-${end}/${total}`;
  }
  let body = e.content.subarray(start, end + 1);
  if (active && f.kind === 'corrupt') {
    body = Buffer.from(body);
    body[Math.floor(body.length / 2)] ^= 0xff;
  }
  headers['Content-Length'] = String(body.length);
  res.writeHead(status, headers);
  record.sent = 0;
  if (req.method === 'HEAD') return res.end();
  if (active && (f.kind === 'truncate' || f.kind === 'drop')) {
    // Half the body, then the connection dies (Content-Length promised more).
    const half = body.subarray(0, Math.floor(body.length / 2));
    record.sent = half.length;
    res.write(half);
    return setTimeout(() => res.socket.destroy(), 20);
  }
  if (active && f.kind === 'stall') {
    res.flushHeaders();
    const t = setTimeout(() => { record.sent = body.length; res.end(body); }, f.ms);
    res.on('close', () => clearTimeout(t));
    return;
  }
  if (active && f.kind === 'slow') {
    const piece = 64 * 1024;
    const delay = Math.max(1, Math.round((piece / f.rate) * 1000));
    let off = 0;
    const pump = () => {
      if (res.destroyed) return;
      if (off >= body.length) return res.end();
      const chunk = body.subarray(off, off + piece);
      off += chunk.length;
      record.sent += chunk.length;
      res.write(chunk);
      setTimeout(pump, delay);
    };
    return pump();
  }
  record.sent = body.length;
  res.end(body);
}

// An error answer as the Hub gives it: the status, X-Error-Code / X-Error-Message when set, a JSON
// body, and Retry-After when asked.
function sendStatus(res, f) {
  const headers = { 'Content-Type': 'application/json' };
  if (f.errorCode) headers['X-Error-Code'] = f.errorCode;
  if (f.errorMessage) headers['X-Error-Message'] = f.errorMessage;
  if (f.retryAfter !== undefined) headers['Retry-After'] = String(typeof f.retryAfter === 'function' ? f.retryAfter() : f.retryAfter);
  res.writeHead(f.status, headers);
  res.end(JSON.stringify({ error: f.errorMessage ?? 'injected failure' }));
}

// A plain file server standing in for a CDN on another loopback host: serves any blob by etag.
export async function startStorage(contents, host = '127.0.0.2') {
  const requests = [];
  const byEtag = new Map(contents.map((c) => [sha256(c), c]));
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, headers: req.headers });
    const etag = req.url.split('/').pop();
    const c = byEtag.get(etag);
    if (!c) { res.writeHead(404); return res.end(); }
    res.writeHead(200, { 'Content-Length': String(c.length), ETag: `"${etag}"` });
    res.end(c);
  });
  await new Promise((r) => server.listen(0, host, r));
  return { url: `http://${host}:${server.address().port}`, requests, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}
