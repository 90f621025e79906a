/**
 * The publications file: `<db>.publications.jsonl`, beside the warehouse, append-only.
 *
 * One JSON line per event: a publication (the figures of one as-of date, frozen, with their
 * provenance), or a withdrawal that marks an earlier publication. A line is never rewritten:
 * no ETL run, full rebuild or restore of the warehouse file touches this file (they replace
 * `<db>` and its raw layer, never `<db>.publications.jsonl`).
 *
 * Durability: each event is one write() of one whole line, then fsync of the file (and of
 * its folder when the file is created). A write killed midway leaves a last line without
 * its newline: it is ignored on read and reported (`lignes_ignorees`), never half-read, and
 * the next append starts on a new line so that it cannot be glued to the torn one.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fsyncPath } from "../durable.ts";
import { PublicationError } from "../errors.ts";
import { faultPoint } from "../etl/faults.ts";
import type { FiguresRecord } from "../warehouse/figures.ts";

/** The publications file of a warehouse. */
export function publicationsFile(dbPath: string): string {
  return `${dbPath}.publications.jsonl`;
}

export interface Actor {
  identifiant: string;
  role: string;
}

/** An export file a publication rests on (a row of etl_files when it was published). */
export interface PublishedFile {
  fichier: string;
  type_fichier: string;
  date_export: string;
  sha256: string;
  lignes_lues: number;
  /** Its Parquet in the raw layer, relative to `<db>.raw/` (kept while a publication lists it). */
  fichier_brut: string;
}

export interface PublishedDefinition {
  cle: string;
  groupe: "figures" | "cohorte_commandements";
  libelle: string;
  unite: string;
  definition: string;
}

export interface Publication {
  type: "publication";
  /** Format of this line, for a later reader. */
  version: 1;
  id: string;
  titre: string;
  note: string | null;
  publie_par: Actor;
  /** ISO timestamp (UTC). */
  publie_le: string;
  annee: number;
  date_arrete: string;
  donnees_jusqu_au: string;
  /** The figures exactly as `npm run figures -- --format json` gave them (landlord, then --par-secteur). */
  chiffres: { ensemble: FiguresRecord; secteurs: FiguresRecord[] };
  definitions: PublishedDefinition[];
  /** The ETL run that produced the warehouse the figures were read from (times in UTC, ISO). */
  chargement: { run_id: string; debut: string | null; fin: string | null } | null;
  /** The SQL models' fingerprint (etl_state): a verification with other models says so. */
  empreinte_modeles: string | null;
  fichiers: PublishedFile[];
}

export interface Withdrawal {
  type: "retrait";
  version: 1;
  id: string;
  motif: string;
  retire_par: Actor;
  retire_le: string;
}

export type PublicationEvent = Publication | Withdrawal;

export interface StoredPublication extends Publication {
  retrait: Withdrawal | null;
}

/** What names a publication to a reader, as the API and the site both give it. */
export const publicationHeading = (p: StoredPublication) => ({
  id: p.id,
  titre: p.titre,
  note: p.note,
  annee: p.annee,
  date_arrete: p.date_arrete,
  publie_le: p.publie_le,
});

export interface PublicationsRead {
  publications: StoredPublication[];
  /** Lines that could not be read (a write killed midway): ignored, with where and why. */
  lignes_ignorees: Array<{ ligne: number; motif: string }>;
}

function isEvent(v: unknown): v is PublicationEvent {
  if (!v || typeof v !== "object") return false;
  const e = v as Record<string, unknown>;
  if (typeof e.id !== "string") return false;
  if (e.type === "publication")
    return typeof e.titre === "string" && typeof e.date_arrete === "string" && !!e.chiffres && Array.isArray(e.fichiers);
  if (e.type === "retrait") return typeof e.motif === "string";
  return false;
}

/** The raw lines of the file, each with whether it was complete (ended by a newline). */
function readLines(file: string): Array<{ text: string; complete: boolean }> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new PublicationError(`fichier des publications ${file} illisible (${(e as NodeJS.ErrnoException).code}) : vérifiez ses droits.`);
  }
  const parts = text.split("\n");
  const last = parts.pop()!; // "" when the file ends with a newline
  const lines = parts.map((t) => ({ text: t, complete: true }));
  if (last !== "") lines.push({ text: last, complete: false });
  return lines;
}

/** Every event of the file, in order, and the lines that had to be left aside. */
export function readEvents(file: string): { events: PublicationEvent[]; lignes_ignorees: PublicationsRead["lignes_ignorees"] } {
  const events: PublicationEvent[] = [];
  const ignored: PublicationsRead["lignes_ignorees"] = [];
  readLines(file).forEach(({ text, complete }, i) => {
    if (text.trim() === "") return;
    if (!complete) {
      ignored.push({ ligne: i + 1, motif: "ligne incomplète (écriture interrompue) : ignorée" });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      ignored.push({ ligne: i + 1, motif: "ligne illisible (JSON invalide) : ignorée" });
      return;
    }
    if (!isEvent(parsed)) {
      ignored.push({ ligne: i + 1, motif: "ligne qui n'est ni une publication ni un retrait : ignorée" });
      return;
    }
    events.push(parsed);
  });
  return { events, lignes_ignorees: ignored };
}

/** The publications of a warehouse, oldest first, each with its withdrawal if any. */
export function readPublications(dbPath: string): PublicationsRead {
  const { events, lignes_ignorees } = readEvents(publicationsFile(dbPath));
  const byId = new Map<string, StoredPublication>();
  for (const e of events) {
    if (e.type === "publication") {
      if (!byId.has(e.id)) byId.set(e.id, { ...e, retrait: null });
    } else {
      const p = byId.get(e.id);
      if (p && !p.retrait) p.retrait = e;
    }
  }
  return { publications: [...byId.values()], lignes_ignorees };
}

export function findPublication(dbPath: string, id: string): StoredPublication {
  const found = readPublications(dbPath).publications.find((p) => p.id === id);
  if (!found) {
    throw new PublicationError(
      `publication « ${id} » introuvable : la liste des publications donne leurs identifiants (GET /api/publications).`,
      404,
    );
  }
  return found;
}

/** A new id: the as-of year and six hex digits, e.g. `2024-3f9a1c`; never one already used. */
export function newPublicationId(dbPath: string, annee: number): string {
  const used = new Set(readEvents(publicationsFile(dbPath)).events.map((e) => e.id));
  for (;;) {
    const id = `${annee}-${crypto.randomBytes(3).toString("hex")}`;
    if (!used.has(id)) return id;
  }
}

/** Publication ids as the API and the CLI accept them. */
export const PUBLICATION_ID = /^\d{4}-[0-9a-f]{6}$/;

/**
 * Append one event as one line, durably. The crash tests kill the process after half the line
 * (ETL_KILL_AT=publication-mid-write, src/etl/faults.ts), as a power cut during the write would.
 */
export function appendEvent(dbPath: string, event: PublicationEvent): void {
  const file = publicationsFile(dbPath);
  const created = !fs.existsSync(file);
  let fd: number;
  try {
    fd = fs.openSync(file, "a+", 0o600); // owner-only, as everything under data/ (ownerOnly.ts)
  } catch (e) {
    throw new PublicationError(
      `impossible d'écrire le fichier des publications ${file} (${(e as NodeJS.ErrnoException).code}) : le dossier de l'entrepôt doit être accessible en écriture et avoir de la place. Rien n'a été publié.`,
    );
  }
  try {
    fs.fchmodSync(fd, 0o600);
    // why: a write killed midway left a line without its newline; starting on a new line keeps
    // that torn line apart (ignored on read) instead of gluing this event to it
    const size = fs.fstatSync(fd).size;
    let lead = "";
    if (size > 0) {
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) lead = "\n";
    }
    const bytes = Buffer.from(`${lead}${JSON.stringify(event)}\n`, "utf8");
    const write = (from: number, to: number) => {
      for (let off = from; off < to;) off += fs.writeSync(fd, bytes, off, to - off);
    };
    // why one write: with O_APPEND, one write() of a line is never interleaved with another
    // process's; only the crash test splits it, to be killed between the halves
    const cut = process.env.ETL_KILL_AT === "publication-mid-write" ? bytes.length >> 1 : bytes.length;
    write(0, cut);
    if (cut < bytes.length) {
      fs.fsyncSync(fd);
      faultPoint("publication-mid-write");
      write(cut, bytes.length);
    }
    fs.fsyncSync(fd);
  } catch (e) {
    if (e instanceof PublicationError) throw e;
    throw new PublicationError(
      `écriture du fichier des publications ${file} impossible (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}) : vérifiez la place et les droits du dossier de l'entrepôt, puis recommencez ; une ligne incomplète éventuelle sera ignorée.`,
    );
  } finally {
    fs.closeSync(fd);
  }
  if (created) fsyncPath(path.dirname(file));
}

/** The raw-layer Parquet files (relative to `<db>.raw/`) that some publication lists: never removed. */
export function publishedRawFiles(dbPath: string): Set<string> {
  const keep = new Set<string>();
  for (const e of readEvents(publicationsFile(dbPath)).events) {
    if (e.type === "publication") for (const f of e.fichiers) if (f.fichier_brut) keep.add(f.fichier_brut);
  }
  return keep;
}

/**
 * Bring into `to`'s publications file the events of `from`'s that it lacks (a backup taken,
 * or a warehouse restored from one): appended, never rewritten, so a restore never loses a
 * publication made after the backup, and a lost publications file comes back from a backup.
 */
export function mergePublications(from: string, to: string): number {
  const source = readEvents(publicationsFile(from)).events;
  if (source.length === 0) return 0;
  const key = (e: PublicationEvent) => `${e.type} ${e.id}`;
  const present = new Set(readEvents(publicationsFile(to)).events.map(key));
  let added = 0;
  for (const e of source) {
    if (present.has(key(e))) continue;
    appendEvent(to, e);
    present.add(key(e));
    added++;
  }
  return added;
}
