/**
 * What the site's configuration needs before any page is built: the sector codes (one
 * parameterised page per sector, Framework's dynamicPaths) and the footer every page
 * carries (the latest as-of date and the end of the last successful ETL run). Read from
 * the same marts as the data loaders, through the same loader functions.
 */
import { formatDate, formatDateTime } from "../../reports/components/format.ts";
import { openWarehouse } from "../warehouse/warehouse.ts";
import { loads, sectors, warehousePath, type SectorRow } from "./loaders.ts";

export interface SiteContext {
  warehouse: string;
  secteurs: SectorRow[];
  date_arrete_derniere: string | null;
  /** ISO instant (UTC) of the end of the last successful run. */
  derniere_reussite: string | null;
}

/** A sector code becomes a URL segment: keep to letters, digits, - and _. */
const SAFE_CODE = /^[A-Za-z0-9_-]+$/;

export async function readSiteContext(dbPath = warehousePath()): Promise<SiteContext> {
  const wh = await openWarehouse(dbPath);
  try {
    const secteurs = await sectors.load(wh);
    const bad = secteurs.filter((s) => !SAFE_CODE.test(s.code_secteur));
    if (bad.length > 0) {
      throw new Error(
        `code(s) secteur inutilisable(s) dans une adresse de page : ${bad.map((s) => `« ${s.code_secteur} »`).join(", ")} (lettres, chiffres, - et _ seulement).`,
      );
    }
    const l = await loads.load(wh);
    return {
      warehouse: dbPath,
      secteurs,
      date_arrete_derniere: l.date_arrete_derniere,
      derniere_reussite: l.derniere_reussite?.fin ?? null,
    };
  } finally {
    wh.close();
  }
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The footer of every page. */
export function footerHtml(ctx: Pick<SiteContext, "date_arrete_derniere" | "derniere_reussite">): string {
  return (
    `<p class="pied">Données arrêtées au <strong data-pied="date-arrete">${escapeHtml(formatDate(ctx.date_arrete_derniere))}</strong>` +
    ` (dernière date d'écriture chargée) · dernier chargement réussi le <strong data-pied="dernier-chargement">${escapeHtml(formatDateTime(ctx.derniere_reussite))}</strong>` +
    ` (heure de Paris) · <a href="/qualite-des-donnees">Qualité des données</a></p>` +
    `<p class="pied">Observatoire des impayés — chiffres agrégés uniquement, aucune donnée individuelle.` +
    `<span class="no-print"> · <a href="/accessibilite">Accessibilité : non conforme</a></span></p>`
  );
}
