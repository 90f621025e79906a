/**
 * The publications as the static site shows them (reports/publications.md, Chiffres clés): every
 * publication of the publications file beside the warehouse, its state, its figures as published
 * and, when revised, its revisions explained. Aggregates only: the changed rows themselves
 * (`detail`, with lease numbers) never reach the site; the explanations count rows by file and kind.
 */
import type { Warehouse } from "../warehouse/warehouse.ts";
import { figureGaps, type FigureGap } from "./compare.ts";
import { currentFigures, revisions, stateOf, type Explanation, type PublicationState } from "./revisions.ts";
import { publicationHeading, readPublications, type StoredPublication } from "./store.ts";

export interface SitePublication {
  id: string;
  titre: string;
  note: string | null;
  annee: number;
  date_arrete: string;
  publie_le: string;
  publie_par: string;
  etat: PublicationState;
  retrait: { motif: string; retire_le: string } | null;
  chiffres: StoredPublication["chiffres"];
  chargement: StoredPublication["chargement"];
  fichiers: number;
  ecarts: FigureGap[];
  explications: Explanation[];
  /** Why the revisions could not be explained row by row (a file missing from the raw layer), else null. */
  explication_indisponible: string | null;
}

/**
 * The nightly run builds the site from the new warehouse before publishing it
 * (`<db>.building-<run>`): the publications and raw layer are those of the published `<db>`.
 */
export function publishedPath(warehousePath: string): string {
  return warehousePath.replace(/\.building-[^/\\]+$/, "");
}

/** Newest first. A withdrawn publication keeps its figures; its revisions are not computed. */
export async function sitePublications(wh: Warehouse): Promise<{ publications: SitePublication[] }> {
  const dbPath = publishedPath(wh.path);
  const out: SitePublication[] = [];
  for (const p of [...readPublications(dbPath).publications].reverse()) {
    let r: { etat: PublicationState; ecarts: FigureGap[]; explications: Explanation[] } | null = null;
    let explication_indisponible: string | null = null;
    if (!p.retrait) {
      try {
        r = await revisions(wh, dbPath, p, { detail: false });
      } catch (e) {
        // why: a publication whose files left the raw layer must not stop the nightly build; its
        // gaps are still known, only the row-level explanation is not
        const ecarts = figureGaps(p.chiffres, await currentFigures(wh, p));
        r = { etat: stateOf(p, ecarts.length > 0), ecarts, explications: [] };
        explication_indisponible = (e as Error).message;
      }
    }
    out.push({
      ...publicationHeading(p),
      publie_par: p.publie_par.identifiant,
      etat: r ? r.etat : "retiree",
      retrait: p.retrait ? { motif: p.retrait.motif, retire_le: p.retrait.retire_le } : null,
      chiffres: p.chiffres,
      chargement: p.chargement,
      fichiers: p.fichiers.length,
      ecarts: r?.ecarts ?? [],
      explications: r?.explications ?? [],
      explication_indisponible,
    });
  }
  return { publications: out };
}
