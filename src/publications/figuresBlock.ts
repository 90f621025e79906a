/**
 * The publication of an as-of date, as GET /api/figures and the site show it beside today's
 * figures: the latest publication of that date that is not withdrawn, the scope asked for
 * (landlord or one sector) exactly as published, and the figures that differ today.
 */
import fs from "node:fs";
import type { FiguresRecord } from "../warehouse/figures.ts";
import { figureGaps, type FigureGap } from "./compare.ts";
import { publicationsFile, readPublications, type StoredPublication } from "./store.ts";

export interface PublicationBlock {
  id: string;
  titre: string;
  note: string | null;
  /** ISO timestamp (UTC). */
  publie_le: string;
  date_arrete: string;
  /** "inchangee" when every figure of the scope is the same today, else "revisee". */
  etat: "inchangee" | "revisee";
  /** The scope's figures exactly as published. */
  chiffres: FiguresRecord;
  /** Today's value minus the published one, for each figure of the scope that differs (empty when none). */
  ecarts: FigureGap[];
}

/** The publication in force for an as-of date: the latest one of that date not withdrawn, or null. */
export function publicationInForce(publications: readonly StoredPublication[], dateArrete: string): StoredPublication | null {
  return publications.filter((p) => !p.retrait && p.date_arrete === dateArrete).at(-1) ?? null;
}

/**
 * What the answer depends on in the publications file, cheaply (one stat per request, no read):
 * its size and modification time. The file is append-only, so a publication or a withdrawal
 * changes both, and an answer kept per warehouse (cachedJson) is not served stale after one.
 */
export function publicationsVersion(dbPath: string): string {
  try {
    const st = fs.statSync(publicationsFile(dbPath));
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return "aucune";
  }
}

/** The block for today's figures of one scope, or null when no publication is in force for their date (or it lacks the scope). */
export function publicationBlock(dbPath: string, today: FiguresRecord): PublicationBlock | null {
  const p = publicationInForce(readPublications(dbPath).publications, today.date_arrete);
  if (!p || p.annee !== today.annee) return null;
  const published = today.secteur === null ? p.chiffres.ensemble : p.chiffres.secteurs.find((s) => s.secteur === today.secteur);
  if (!published) return null;
  // figureGaps compares scopes as landlord + sectors: one scope is passed as the "landlord" and given its sector back
  const ecarts = figureGaps({ ensemble: published, secteurs: [] }, { ensemble: today, secteurs: [] }).map((g) => ({
    ...g,
    secteur: today.secteur,
  }));
  return {
    id: p.id,
    titre: p.titre,
    note: p.note,
    publie_le: p.publie_le,
    date_arrete: p.date_arrete,
    etat: ecarts.length ? "revisee" : "inchangee",
    chiffres: published,
    ecarts,
  };
}
