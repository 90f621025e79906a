/**
 * Each step of the benchmark runs in its own process, so that its peak memory is its own:
 * the child's maximum resident set size as the kernel reports it at exit (GNU time, which
 * covers the largest of its descendants too), and the peak of the whole process tree's
 * resident memory, sampled from /proc every 100 ms (the site build runs its data loaders
 * as further processes).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectPath } from "../../src/paths.ts";

export interface ChildResult<T> {
  /** What the child printed as its last stdout line (JSON). */
  result: T;
  /** Wall time seen from here, process start-up included. */
  wallSeconds: number;
  /** Largest resident set of the child or one of its descendants (GNU time), in MiB; null without /usr/bin/time. */
  maxRssMiB: number | null;
  /** Peak of the sum of the resident sets of the child and its descendants (sampled), in MiB. */
  treePeakMiB: number;
}

const GNU_TIME = "/usr/bin/time";
const PAGE = 4096;

function treeRssBytes(root: number): number {
  const parent = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // the command name may hold spaces: fields start after the last ')'
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parent.set(Number(entry), Number(fields[1]));
      rss.set(Number(entry), Number(fields[21]) * PAGE);
    } catch {
      // the process ended meanwhile
    }
  }
  let total = 0;
  for (const [pid, bytes] of rss) {
    for (let p: number | undefined = pid, hops = 0; p && hops < 64; p = parent.get(p), hops++) {
      if (p === root) {
        total += bytes;
        break;
      }
    }
  }
  return total;
}

/** Run `test/bench/child.ts <step>` with `args`; its last stdout line is its JSON result. */
export async function runStep<T>(
  step: string,
  args: Record<string, unknown>,
  options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void; onStart?: (child: ChildProcess) => void } = {},
): Promise<ChildResult<T>> {
  const timeFile = path.join(os.tmpdir(), `bench-time-${process.pid}-${Date.now()}.txt`);
  const node = [process.execPath, "--import", "tsx", projectPath("test", "bench", "child.ts"), step, JSON.stringify(args)];
  const withTime = fs.existsSync(GNU_TIME);
  const argv = withTime ? [GNU_TIME, "-f", "%M", "-o", timeFile, ...node] : node;
  const t0 = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: projectPath(),
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  options.onStart?.(child);
  let stdout = "";
  let stderrTail = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    stderrTail = (stderrTail + d).slice(-4000);
    if (options.log) for (const line of d.split("\n")) if (line.trim()) options.log(line);
  });
  let peak = 0;
  const sampler = setInterval(() => {
    if (child.pid) peak = Math.max(peak, treeRssBytes(child.pid));
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
  clearInterval(sampler);
  const wallSeconds = (performance.now() - t0) / 1000;
  let maxRssMiB: number | null = null;
  if (withTime && fs.existsSync(timeFile)) {
    const kb = Number(fs.readFileSync(timeFile, "utf8").trim().split("\n").at(-1));
    if (Number.isFinite(kb)) maxRssMiB = kb / 1024;
    fs.rmSync(timeFile, { force: true });
  }
  const last = stdout.trim().split("\n").at(-1) ?? "";
  if (code !== 0) throw new Error(`étape ${step} en échec (code ${code}) : ${stderrTail.slice(-1500)}`);
  let result: T;
  try {
    result = JSON.parse(last) as T;
  } catch {
    throw new Error(`étape ${step} : sortie illisible « ${last.slice(0, 200)} »`);
  }
  return { result, wallSeconds, maxRssMiB, treePeakMiB: peak / (1024 * 1024) };
}

/** A long-lived child (the API server): started, then stopped by the caller. */
export function startStep(step: string, args: Record<string, unknown>) {
  const node = [process.execPath, "--import", "tsx", projectPath("test", "bench", "child.ts"), step, JSON.stringify(args)];
  const child = spawn(node[0]!, node.slice(1), { cwd: projectPath(), stdio: ["ignore", "pipe", "pipe"] });
  let peak = 0;
  const sampler = setInterval(() => {
    if (child.pid) peak = Math.max(peak, treeRssBytes(child.pid));
  }, 100);
  let stderrTail = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderrTail = (stderrTail + d).slice(-4000)));
  const firstLine = new Promise<string>((resolve, reject) => {
    let buf = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      buf += d;
      const i = buf.indexOf("\n");
      if (i >= 0) resolve(buf.slice(0, i));
    });
    child.on("close", (code) => reject(new Error(`serveur arrêté (code ${code}) : ${stderrTail.slice(-1500)}`)));
  });
  return {
    child,
    ready: firstLine,
    peakMiB: () => peak / (1024 * 1024),
    async stop(): Promise<void> {
      clearInterval(sampler);
      if (child.exitCode !== null) return;
      const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
      child.kill("SIGTERM");
      await closed;
    },
  };
}
