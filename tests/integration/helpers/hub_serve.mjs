// Starting and stopping `hub serve` from Node integration tests, plus the hashes clients use to
// name blobs (git blob sha1 and sha256).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

// The source tree and the hub binary: from ctest's environment, else relative to this file.
export const SOURCE_DIR = process.env.HUB_SOURCE_DIR ?? path.resolve(here, "../../..");
export const HUB_BIN = process.env.HUB_BIN ?? path.join(SOURCE_DIR, "build/bin/hub");
export const FIXTURE_REPOS = path.join(SOURCE_DIR, "tests/fixtures/repos");

// A token of the shape real clients require (hf_ + 34 alphanumerics).
export const TOKEN = "hf_" + "abcdefghijklmnopqrstuvwxyzABCDEFGH";

export const sha256 = (buf) => createHash("sha256").update(buf).digest("hex");
export const gitBlobSha1 = (buf) =>
  createHash("sha1").update(`blob ${buf.length}\0`).update(buf).digest("hex");
export const lfsPointer = (buf) =>
  `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(buf)}\nsize ${buf.length}\n`;

// Spawns `hub serve <args>` and resolves once it prints "serving <url>". Rejects (with its
// stderr) if it exits first or takes longer than `timeoutMs`.
export function startServer(args, { timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(HUB_BIN, ["serve", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let done = false;
    const timer = setTimeout(() => fail(new Error(`hub serve did not start within ${timeoutMs} ms`)), timeoutMs);
    function fail(err) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      proc.kill("SIGKILL");
      err.message += `\ncommand: ${HUB_BIN} serve ${args.join(" ")}\nstderr:\n${stderr}`;
      reject(err);
    }
    proc.on("error", (err) => fail(err));
    proc.stderr.on("data", (d) => (stderr += d));
    proc.stdout.on("data", (d) => {
      stdout += d;
      const m = stdout.match(/^serving (\S+)\n/m);
      if (m && !done) {
        done = true;
        clearTimeout(timer);
        const exited = new Promise((r) => proc.once("exit", (code, signal) => r({ code, signal })));
        resolve({
          url: m[1],
          proc,
          stderr: () => stderr,
          exited,
          // SIGTERM, then wait for a clean exit; returns the exit code.
          async stop() {
            if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
            return (await exited).code;
          },
        });
      }
    });
    proc.on("exit", (code, signal) => fail(new Error(`hub serve exited early (code ${code}, signal ${signal})`)));
  });
}
