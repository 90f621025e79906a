/**
 * The inbox: which entries of the exports folder a run reads, which it leaves aside and why.
 *
 * - Every entry is looked at with lstat and never followed: a symbolic link (whatever it points
 *   at) or anything but a regular file is never opened; it is "ignoré".
 * - A name that is not `<kind>_<YYYYMMDD>.csv` (a space, a trailing dot, another extension), a
 *   kind the profile does not know or a date that does not exist is "ignoré" too. One stray file
 *   no longer stops the night: the run goes on with the others, and the journal, /api/runs and
 *   the data-quality page say which file was left aside, why, and what to do.
 * - Hidden entries (".name": editors' and file systems' own files, the benchmark's marker) and
 *   the profile's completion markers are skipped without a word.
 * - A file still being written must not be loaded half-way: a file is read only once its
 *   completion marker is there (profile `marqueur_fin`), or else once its modification time is
 *   at least `delai_stabilite_s` before the run's start; otherwise it is "en attente" and a later
 *   run loads it. A file whose size, modification time or inode changed between the listing and
 *   the end of its decoding is dropped for this run ("en attente"; `changedSinceListed`).
 */
import fs from "node:fs";
import path from "node:path";
import { ExportFormatError } from "../errors.ts";
import { KINDS, parseExportFileName, type Kind } from "./exportSchema.ts";
import { kindForPrefix, type Profile } from "./profile.ts";

export interface InboxFile {
  name: string;
  path: string;
  kind: Kind;
  exportDate: string;
  size: number;
  mtimeMs: number;
  /** Inode: a file replaced under the same name (renamed over) is another file. */
  ino: number;
}

/** An entry the run leaves aside without opening it. */
export interface SkippedEntry {
  name: string;
  kind: Kind | null;
  exportDate: string | null;
  /** Bytes of a regular file; null otherwise (a link's target is never looked at). */
  size: number | null;
  motif: string;
}

export interface InboxListing {
  /** Export files, oldest export date first, then in kind order. */
  files: InboxFile[];
  /** Entries that are not exports this profile reads, by name. */
  ignored: SkippedEntry[];
  /** Modification time of each completion marker present (regular files only), by lowercase file name. */
  markers: Map<string, number>;
}

/** When a file counts as complete: the profile's rule, or a caller's override of the delay. */
export interface StabilityRule {
  /** Seconds without modification before a file is read (ignored when `marker` is set). */
  settleSeconds: number;
  /** Completion marker suffix (e.g. ".ok"), or null. */
  marker: string | null;
}

/**
 * How far in the future a modification time may be before it is suspect: the run's start is
 * read in whole milliseconds and a file written in the same millisecond has a later fraction;
 * a file server's clock may also be a little ahead.
 */
const FUTURE_TOLERANCE_MS = 2000;

export function stabilityRule(profile: Profile, settleSecondsOverride?: number): StabilityRule {
  return { settleSeconds: settleSecondsOverride ?? profile.delai_stabilite_s, marker: profile.marqueur_fin ?? null };
}

function kindOfEntry(st: fs.Stats): string {
  if (st.isSymbolicLink()) return "lien symbolique";
  if (st.isDirectory()) return "dossier";
  if (st.isFIFO()) return "tube nommé";
  if (st.isSocket()) return "socket";
  if (st.isBlockDevice() || st.isCharacterDevice()) return "périphérique";
  return "entrée spéciale";
}

/** Why a name is not an export this profile reads, with what to do; null when it is one. */
function nameProblem(name: string, profile: Profile): { motif: string; kind: Kind | null; exportDate: string | null } | null {
  const parsed = parseExportFileName(name);
  if (!parsed) {
    return {
      kind: null,
      exportDate: null,
      motif:
        "nom hors format (<type>_<AAAAMMJJ>.csv attendu, sans espace ni caractère après .csv) : fichier ignoré, jamais ouvert. " +
        "Renommez-le selon ce modèle s'il s'agit d'un export, sinon retirez-le du dossier des exports.",
    };
  }
  const kind = kindForPrefix(profile, parsed.kind);
  if (!kind) {
    const expected = KINDS.map((k) => profile.fichiers[k] ?? k).join(", ");
    return {
      kind: null,
      exportDate: parsed.exportDate,
      motif:
        `type de fichier « ${parsed.kind} » inconnu du profil « ${profile.nom} » (types attendus : ${expected}) : fichier ignoré, jamais ouvert. ` +
        "Renommez-le avec l'un de ces types, ou déclarez ce préfixe dans « fichiers » du profil.",
    };
  }
  if (!parsed.exportDate) {
    return {
      kind,
      exportDate: null,
      motif:
        "la date du nom de fichier n'existe pas au calendrier : fichier ignoré, jamais ouvert. " +
        "Renommez-le avec sa vraie date d'export (AAAAMMJJ).",
    };
  }
  return null;
}

/**
 * The inbox's entries: export files to consider, entries ignored (with why), completion markers.
 * Only a missing folder fails the run.
 */
export function listInbox(dir: string, profile: Profile): InboxListing {
  if (!fs.existsSync(dir)) {
    throw new ExportFormatError("dossier des exports introuvable : créez-le, ou indiquez le bon dossier (EXPORTS_DIR, --exports).", {
      file: dir,
    });
  }
  const marker = profile.marqueur_fin?.toLowerCase() ?? null;
  const files: InboxFile[] = [];
  const ignored: SkippedEntry[] = [];
  const markers = new Map<string, number>();
  for (const name of fs.readdirSync(dir).sort()) {
    // why: hidden entries are the file system's, an editor's or a tool's own (.DS_Store, .~lock,
    // the benchmark's .complet.json), never an ERP export; warning about them would be noise
    if (name.startsWith(".")) continue;
    const full = path.join(dir, name);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(full);
    } catch {
      continue; // removed since readdir
    }
    if (marker && name.toLowerCase().endsWith(marker) && name.length > marker.length && st.isFile()) {
      markers.set(name.toLowerCase(), st.mtimeMs);
      continue;
    }
    if (!st.isFile()) {
      const parsed = parseExportFileName(name);
      const kind = parsed ? kindForPrefix(profile, parsed.kind) : null;
      ignored.push({
        name,
        kind,
        exportDate: parsed?.exportDate ?? null,
        size: null,
        motif: st.isSymbolicLink()
          ? "lien symbolique : jamais suivi ni ouvert, fichier ignoré. Déposez le fichier lui-même (pas un lien) dans le dossier des exports."
          : `${kindOfEntry(st)}, pas un fichier ordinaire : jamais ouvert, ignoré. Retirez-le du dossier des exports.`,
      });
      continue;
    }
    const problem = nameProblem(name, profile);
    if (problem) {
      ignored.push({ name, kind: problem.kind, exportDate: problem.exportDate, size: st.size, motif: problem.motif });
      continue;
    }
    const parsed = parseExportFileName(name)!;
    files.push({
      name,
      path: full,
      kind: kindForPrefix(profile, parsed.kind)!,
      exportDate: parsed.exportDate!,
      size: st.size,
      mtimeMs: st.mtimeMs,
      ino: st.ino,
    });
  }
  files.sort((a, b) => a.exportDate.localeCompare(b.exportDate) || KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind));
  return { files, ignored, markers };
}

/**
 * Why `file` cannot be read yet under `rule` at the run's start `startedMs` (a French motif
 * saying what happens next), or null when it is complete.
 */
export function awaitingReason(file: InboxFile, rule: StabilityRule, markers: Map<string, number>, startedMs: number): string | null {
  if (rule.marker) {
    const name = `${file.name}${rule.marker}`;
    const at = markers.get(name.toLowerCase());
    if (at === undefined) {
      return `marqueur de fin « ${name} » absent : en attente, le fichier sera chargé au premier chargement qui trouvera ce marqueur (déposé par l'ERP une fois le fichier complet).`;
    }
    // why: an ERP writes the marker after the file; a file modified after its marker is being rewritten
    if (at < file.mtimeMs) {
      return `fichier modifié après son marqueur de fin « ${name} » : en attente d'un nouveau marqueur (l'ERP le réécrit peut-être).`;
    }
    return null;
  }
  const ageMs = startedMs - file.mtimeMs;
  if (ageMs < -FUTURE_TOLERANCE_MS) {
    return `date de modification dans le futur (${new Date(file.mtimeMs).toISOString()}) : en attente. Vérifiez l'horloge de la machine qui dépose les exports.`;
  }
  if (rule.settleSeconds > 0 && ageMs < rule.settleSeconds * 1000) {
    return `modifié il y a moins de ${rule.settleSeconds} s (peut-être encore en cours d'écriture) : en attente, il sera chargé par un prochain chargement une fois stable.`;
  }
  return null;
}

/**
 * After a file was read: why its content cannot be trusted (it changed since it was listed:
 * size, modification time, inode, or it is no longer a regular file), or null.
 */
export function changedSinceListed(file: InboxFile): string | null {
  let st: fs.Stats | null = null;
  try {
    st = fs.lstatSync(file.path);
  } catch {
    st = null;
  }
  if (st && st.isFile() && st.size === file.size && st.mtimeMs === file.mtimeMs && st.ino === file.ino) return null;
  return (
    `${st ? "modifié" : "supprimé ou renommé"} pendant la lecture (taille ou date de modification changée) : chargement abandonné cette fois, rien n'en est publié ; ` +
    "il sera chargé par un prochain chargement une fois stable."
  );
}

/**
 * Set a file's modification time `seconds` earlier than it is: for writers of exports that call
 * the ETL at once (tests, reliability checks, the benchmark). Relative, not a fixed instant: a
 * file rewritten with the same size still gets a new modification time, which the ETL's "already
 * loaded" check relies on.
 */
export function backdateMtime(file: string, seconds: number): void {
  const st = fs.statSync(file);
  const at = (st.mtimeMs - seconds * 1000) / 1000;
  fs.utimesSync(file, at, at);
}
