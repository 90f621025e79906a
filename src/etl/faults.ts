/**
 * Fault injection for the crash tests: when ETL_KILL_AT (config.ts) names a point the run
 * reaches, the process kills itself there with SIGKILL, as a power cut would.
 * Without that variable this does nothing.
 */
import { loadEtlConfig } from "./config.ts";

let killAt: string | undefined | null = null;

export function faultPoint(name: string): void {
  // read once: the crash tests set it in a child process's environment, before it starts
  if (killAt === null) killAt = loadEtlConfig().killAt;
  if (killAt && killAt === name) process.kill(process.pid, "SIGKILL");
}
