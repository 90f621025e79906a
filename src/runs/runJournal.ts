/**
 * The run journal: one JSON line per ETL run, beside the warehouse. It outlives
 * failed runs (whose warehouse is thrown away); every successful run copies it
 * into the warehouse's etl_runs and etl_run_files tables.
 */
import fs from "node:fs";

/**
 * What a run did with an inbox entry. "ignoré": not an export this profile reads (a name off the
 * pattern, an unknown kind or date, a symbolic link or anything but a regular file), never
 * opened; "en attente": an export not yet complete (modified too recently, completion marker
 * missing, or changed while it was read), left for a later run. Neither stops the run.
 */
export type FileStatus = "chargé" | "rechargé" | "déjà chargé" | "refusé" | "ignoré" | "en attente";

/** Statuses of the entries a run left aside: the data-quality page warns about them. */
export const SKIPPED_STATUSES: readonly FileStatus[] = ["ignoré", "en attente"];

export interface RunFileRecord {
  fichier: string;
  type_fichier: string | null;
  date_export: string | null;
  /** Bytes; null for an entry that is not a regular file (its target is never looked at). */
  taille: number | null;
  sha256: string | null;
  encodage: string | null;
  statut: FileStatus;
  lignes_lues: number | null;
  lignes_chargees: number | null;
  lignes_quarantaine: number | null;
  motif: string | null;
}

export interface RunRecord {
  run_id: string;
  debut: string;
  fin: string;
  statut: "succès" | "échec";
  message: string | null;
  fichiers: RunFileRecord[];
}

export function journalPath(dbPath: string): string {
  return `${dbPath}.runs.jsonl`;
}

export function appendRun(dbPath: string, run: RunRecord): void {
  // Owner-only even without the umask (ownerOnly.ts): the journal names every file and failure.
  const fd = fs.openSync(journalPath(dbPath), "a", 0o600);
  try {
    fs.writeSync(fd, JSON.stringify(run) + "\n");
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function readRuns(dbPath: string): RunRecord[] {
  const p = journalPath(dbPath);
  if (!fs.existsSync(p)) return [];
  const runs: RunRecord[] = [];
  for (const line of fs.readFileSync(p, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      runs.push(JSON.parse(line) as RunRecord);
    } catch {
      // A line cut by a crash while it was written: the run it describes never published.
    }
  }
  return runs;
}
