/**
 * Publishing ("arrêter les chiffres") and withdrawing a publication: one function each, which
 * the CLI (src/cli/publish.ts) and the API (src/api/routes/publications.ts) both call.
 *
 * A publication reads the warehouse file published at `dbPath` now, under the ETL's run lock
 * (src/etl/runLock.ts): no run can publish another warehouse meanwhile, nor remove from the raw
 * layer a Parquet file the publication is about to list (runEtl keeps, after that, every file a
 * publication lists). It opens its own read-only handle rather than the server's, which may
 * still be the previous warehouse for a moment after a run.
 */
import path from "node:path";
import { formatDate } from "../../reports/components/format.ts";
import { PublicationError, QueryError, RunLockedError } from "../errors.ts";
import { acquireRunLock } from "../etl/runLock.ts";
import { COHORT_FIGURES, FIGURES } from "../figures/definitions.ts";
import { getFigures, getFiguresBySector } from "../warehouse/figures.ts";
import { lastSuccessfulRun, loadedFiles, modelsFingerprint } from "../warehouse/runs.ts";
import { openWarehouse, type Warehouse } from "../warehouse/warehouse.ts";
import {
  appendEvent,
  findPublication,
  newPublicationId,
  type Actor,
  type Publication,
  type PublishedDefinition,
  type PublishedFile,
  type Withdrawal,
} from "./store.ts";

export interface PublishRequest {
  dbPath: string;
  annee: number;
  /** ISO yyyy-mm-dd; default the year's as-of date (31/12, or the latest posting date). Any date: publishing is admin-only. */
  au?: string | null;
  titre: string;
  note?: string | null;
  par: Actor;
  now?: () => Date;
}

export const TITLE_MAX = 200;
export const NOTE_MAX = 2000;

/** A title or note as stored: trimmed, checked, never empty for a title. */
function cleanText(value: string | null | undefined, what: "titre" | "note" | "motif", max: number): string | null {
  const v = (value ?? "").replace(/\s+/g, " ").trim();
  if (!v) {
    if (what === "note") return null;
    throw new PublicationError(
      `${what} obligatoire : donnez par exemple ${what === "titre" ? "« Rapport d'activité 2024 »" : "la raison du retrait"}.`,
      400,
    );
  }
  if (v.length > max) throw new PublicationError(`${what} trop long : ${max} caractères au plus (${v.length} donnés).`, 400);
  return v;
}

/** The provenance of a warehouse: the run that produced it, the files it rests on, the models' fingerprint. */
export async function provenance(wh: Warehouse): Promise<Pick<Publication, "chargement" | "empreinte_modeles" | "fichiers">> {
  return {
    chargement: await lastSuccessfulRun(wh),
    empreinte_modeles: await modelsFingerprint(wh),
    fichiers: await loadedFiles<PublishedFile & Record<string, unknown>>(wh),
  };
}

export function currentDefinitions(): PublishedDefinition[] {
  return [
    ...FIGURES.map((d) => ({ cle: d.cle, groupe: "figures" as const, libelle: d.libelle, unite: d.unite, definition: d.definition })),
    ...COHORT_FIGURES.map((d) => ({
      cle: d.cle,
      groupe: "cohorte_commandements" as const,
      libelle: d.libelle,
      unite: d.unite,
      definition: d.definition,
    })),
  ];
}

/** The run lock, with a message that says what a running load means for a publication. */
function lockFor(dbPath: string, what: string) {
  try {
    return acquireRunLock(`${dbPath}.lock`);
  } catch (e) {
    if (!(e instanceof RunLockedError)) throw e;
    throw new RunLockedError(
      `${e.message.replace(/\.? Attendez sa fin.*$/, "")} : ${what} attend qu'il ait publié son entrepôt. Réessayez après sa fin (quelques minutes).`,
    );
  }
}

export async function publish(req: PublishRequest): Promise<Publication> {
  const dbPath = path.resolve(req.dbPath);
  const titre = cleanText(req.titre, "titre", TITLE_MAX)!;
  const note = cleanText(req.note, "note", NOTE_MAX);
  const lock = lockFor(dbPath, "la publication");
  try {
    const wh = await openWarehouse(dbPath);
    let publication: Publication;
    try {
      const query = { annee: req.annee, au: req.au ?? null };
      const ensemble = await getFigures(wh, { ...query, secteur: null });
      const secteurs = await getFiguresBySector(wh, query);
      const prov = await provenance(wh);
      if (prov.fichiers.some((f) => !f.fichier_brut)) {
        throw new QueryError(
          "l'entrepôt liste des fichiers sans leur copie dans la couche brute : lancez d'abord un chargement (npm run etl).",
        );
      }
      publication = {
        type: "publication",
        version: 1,
        id: newPublicationId(dbPath, req.annee),
        titre,
        note,
        publie_par: req.par,
        publie_le: (req.now?.() ?? new Date()).toISOString(),
        annee: req.annee,
        date_arrete: ensemble.date_arrete,
        donnees_jusqu_au: ensemble.donnees_jusqu_au ?? ensemble.date_arrete,
        chiffres: { ensemble, secteurs },
        definitions: currentDefinitions(),
        ...prov,
      };
    } finally {
      wh.close();
    }
    appendEvent(dbPath, publication);
    return publication;
  } finally {
    lock.release();
  }
}

export interface WithdrawRequest {
  dbPath: string;
  id: string;
  motif: string;
  par: Actor;
  now?: () => Date;
}

/** Mark a publication as withdrawn (a new line; the publication itself stays, listed as withdrawn). */
export function withdraw(req: WithdrawRequest): Withdrawal {
  const dbPath = path.resolve(req.dbPath);
  const motif = cleanText(req.motif, "motif", NOTE_MAX)!;
  const lock = lockFor(dbPath, "le retrait");
  try {
    const p = findPublication(dbPath, req.id);
    if (p.retrait) {
      throw new PublicationError(`la publication « ${p.id} » est déjà retirée (le ${formatDate(p.retrait.retire_le)}).`, 409);
    }
    const event: Withdrawal = {
      type: "retrait",
      version: 1,
      id: p.id,
      motif,
      retire_par: req.par,
      retire_le: (req.now?.() ?? new Date()).toISOString(),
    };
    appendEvent(dbPath, event);
    return event;
  } finally {
    lock.release();
  }
}
