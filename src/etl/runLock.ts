/**
 * One run at a time, across processes (schedule, API, CLI): an exclusive lock file
 * beside the warehouse holding the owner's pid. A lock left by a killed process
 * (its pid no longer alive) is taken over.
 */
import fs from "node:fs";
import { RunLockedError } from "../errors.ts";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface RunLock {
  release(): void;
}

export function acquireRunLock(lockPath: string): RunLock {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockPath, "wx");
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, depuis: new Date().toISOString() }));
      fs.closeSync(fd);
      return {
        release() {
          fs.rmSync(lockPath, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      let owner: { pid?: number; depuis?: string } = {};
      try {
        owner = JSON.parse(fs.readFileSync(lockPath, "utf8"));
      } catch {
        // A lock file being written right now, or truncated by a crash: treat as held once.
        if (attempt === 0) continue;
      }
      if (owner.pid && alive(owner.pid) && owner.pid !== process.pid) {
        throw new RunLockedError(
          `Un chargement est déjà en cours (processus ${owner.pid}, depuis ${owner.depuis ?? "?"}). Attendez sa fin avant d'en lancer un autre.`,
        );
      }
      if (owner.pid === process.pid) {
        throw new RunLockedError("Un chargement est déjà en cours dans ce processus. Attendez sa fin avant d'en lancer un autre.");
      }
      fs.rmSync(lockPath, { force: true }); // stale: its owner died
    }
  }
  throw new RunLockedError(`Verrou ${lockPath} illisible : supprimez-le si aucun chargement ne tourne.`);
}
