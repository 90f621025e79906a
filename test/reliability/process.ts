/** Child processes of the reliability checks: tsx entry points of this project, bounded in time. */
import { spawn } from "node:child_process";
import { projectPath } from "../../src/paths.ts";

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The folders a child entry point works on, as its command-line options. */
export const officeArgs = (o: { exportsDir: string; db: string; sitesDir: string }) => [
  "--exports",
  o.exportsDir,
  "--db",
  o.db,
  "--sites",
  o.sitesDir,
];

/** Run `node --import tsx <script> ...args` (script relative to the project), or a shell command with `shell`. */
export function runChild(args: string[], o: { env?: NodeJS.ProcessEnv; timeoutMs?: number; shell?: boolean } = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = o.shell
      ? spawn("sh", ["-c", args.join(" ")], { cwd: projectPath(), env: { ...process.env, ...o.env } })
      : spawn(process.execPath, ["--import", "tsx", ...args], { cwd: projectPath(), env: { ...process.env, ...o.env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 120_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
