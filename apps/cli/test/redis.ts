import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
}

/**
 * The Redis the queue tests use: PLASTICITY_TEST_REDIS (what .ci/run starts), else a
 * redis-server started here on a free loopback port (stopped by `stop`). With neither, it
 * throws naming Debian's redis-server package: the tests fail, they never skip.
 */
export async function testRedis(): Promise<{ url: string; stop: () => void }> {
  const given = process.env.PLASTICITY_TEST_REDIS;
  if (given) return { url: given, stop: () => {} };
  if (spawnSync("redis-server", ["--version"]).status !== 0) {
    throw new Error(
      "the sweep queue tests need Redis: install Debian's redis-server (apt-get install -y redis-server) or set PLASTICITY_TEST_REDIS=redis://127.0.0.1:PORT",
    );
  }
  const port = await freePort();
  const server: ChildProcess = spawn(
    "redis-server",
    ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (
      spawnSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8" }).stdout?.trim() ===
      "PONG"
    ) {
      return { url, stop: () => server.kill("SIGKILL") };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill("SIGKILL");
  throw new Error(`redis-server did not answer on ${url} within 10 s`);
}

/** FLUSHDB on the test server, so each test file starts from an empty queue. */
export function flush(url: string): void {
  const port = new URL(url).port;
  const r = spawnSync("redis-cli", ["-p", port, "flushdb"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`redis-cli flushdb on ${url} failed: ${r.stderr}`);
}
