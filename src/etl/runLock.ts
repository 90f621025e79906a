/**
 * One run at a time, across processes (schedule, API, CLI): an exclusive lock file
 * beside the warehouse holding the owner's pid. A lock left by a killed process
 * (its pid no longer alive) is taken over.
 */
import fs from "node:fs";
import { RunLockedError, StorageError } from "../errors.ts";

/** A short synchronous pause (the lock is taken synchronously). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

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
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(lockPath, "wx", 0o600); // owner-only, as everything under data/ (ownerOnly.ts)
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, depuis: new Date().toISOString() }));
      fs.closeSync(fd);
      return {
        release() {
          fs.rmSync(lockPath, { force: true });
        },
      };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "EEXIST") {
        throw new StorageError(
          `Impossible d'écrire le verrou ${lockPath} (${code}) : le dossier de l'entrepôt doit être accessible en écriture et avoir de la place. Les chiffres publiés restent les précédents.`,
        );
      }
      let owner: { pid?: number; depuis?: string } = {};
      try {
        owner = JSON.parse(fs.readFileSync(lockPath, "utf8"));
      } catch {
        // A lock file being written right now, or left empty by a crash: look again once,
        // then take it over.
        if (attempt === 0) {
          sleepSync(50);
          continue;
        }
      }
      if (owner.pid && alive(owner.pid) && owner.pid !== process.pid) {
        throw new RunLockedError(
          `Un chargement est déjà en cours (processus ${owner.pid}, depuis ${owner.depuis ?? "?"}). Attendez sa fin avant d'en lancer un autre.`,
        );
      }
      if (owner.pid === process.pid) {
        throw new RunLockedError("Un chargement est déjà en cours dans ce processus. Attendez sa fin avant d'en lancer un autre.");
      }
      fs.rmSync(lockPath, { force: true }); // stale: its owner died; try again
    }
  }
  throw new RunLockedError(`Verrou ${lockPath} illisible : supprimez-le si aucun chargement ne tourne.`);
}
