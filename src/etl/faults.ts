/**
 * Fault injection for the crash tests: when ETL_KILL_AT names a point the run
 * reaches, the process kills itself there with SIGKILL, as a power cut would.
 * Without that variable this does nothing.
 */
export function faultPoint(name: string): void {
  const at = process.env.ETL_KILL_AT;
  if (at && at === name) process.kill(process.pid, "SIGKILL");
}
