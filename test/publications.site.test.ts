/**
 * The publications as the static site gets them (src/site/loaders.ts `publications`, from the
 * publications file beside the warehouse): each publication with its state, its figures as
 * published and its revisions explained by counts, never a lease number; and the same from a
 * nightly run's building copy of the warehouse.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { publish, withdraw } from "../src/publications/publish.ts";
import { publishedPath } from "../src/publications/siteData.ts";
import { publications } from "../src/site/loaders.ts";
import { openWarehouse } from "../src/warehouse/warehouse.ts";
import { projectPath } from "../src/paths.ts";
import type { SitePublication } from "../src/publications/siteData.ts";
import { etl, tempDir, writeExportFile, writeSmallOffice } from "./util/exports.ts";

/** The pages' helpers (reports/components/publicationView.js): the publication in force, a scope's figures and gaps. */
type ViewPort = {
  PUBLICATION_STATES: Record<string, string>;
  publicationInForce(list: SitePublication[], annee: number, dateArrete: string): SitePublication | null;
  publishedRecord(p: SitePublication, secteur: string | null): unknown;
  gapsOf(p: SitePublication, secteur: string | null): unknown[];
};
const view = async () => (await import(pathToFileURL(projectPath("reports", "components", "publicationView.js")).href)) as ViewPort;

const ADMIN = { identifiant: "admin", role: "admin" };

async function load(db: string) {
  const wh = await openWarehouse(db);
  try {
    return (await publications.load(wh)).publications;
  } finally {
    wh.close();
  }
}

describe("publications.json (site loader)", () => {
  it("lists every publication newest first with its state, its published figures and its revisions as counts, without a lease number", async () => {
    const dir = tempDir("oph-publications-site-");
    const exports = path.join(dir, "exports");
    writeSmallOffice(exports);
    const db = path.join(dir, "w.duckdb");
    await etl({ exportsDir: exports, dbPath: db });
    expect(await load(db)).toEqual([]);

    const first = await publish({ dbPath: db, annee: 2024, titre: "Première version", par: ADMIN });
    withdraw({ dbPath: db, id: first.id, motif: "Erreur de titre", par: ADMIN });
    const p = await publish({ dbPath: db, annee: 2024, titre: "Rapport d'activité 2024", par: ADMIN });
    let list = await load(db);
    expect(list.map((x) => [x.id, x.etat])).toEqual([
      [p.id, "inchangee"],
      [first.id, "retiree"],
    ]);
    expect(list[1]!.retrait).toMatchObject({ motif: "Erreur de titre" });

    // A later export: a reminder dated 2024, added late.
    writeExportFile(exports, "actions_20250215.csv", [["A9", "B0002", "20/12/2024", "RL1", "AG02", "", "", "N", ""]]);
    await etl({ exportsDir: exports, dbPath: db });
    list = await load(db);
    const [revised] = list;
    expect(revised!.etat).toBe("revisee");
    expect(revised!.chiffres.ensemble.relances).toBe(p.chiffres.ensemble.relances);
    expect(revised!.ecarts.filter((g) => g.secteur === null).map((g) => [g.cle, g.ecart_texte])).toEqual([["relances", "+1"]]);
    expect(revised!.explications.map((e) => e.texte)).toEqual([
      "1 action de 2024 ajoutée tardivement dans l'export du 15/02/2025 (actions_20250215.csv) : +1 relance",
    ]);
    expect(revised!.explication_indisponible).toBeNull();
    // What Chiffres clés shows: the newest publication of the year and date not withdrawn, its scope, its gaps.
    const v = await view();
    expect(Object.keys(v.PUBLICATION_STATES).sort()).toEqual(["inchangee", "retiree", "revisee"]);
    expect(list.map((x) => v.PUBLICATION_STATES[x.etat])).toEqual(["révisée", "retirée"]);
    expect(v.publicationInForce(list, 2024, "2024-12-31")?.id).toBe(p.id);
    expect(v.publicationInForce(list, 2024, "2024-11-30")).toBeNull();
    expect(v.publicationInForce(list, 2023, "2024-12-31")).toBeNull();
    expect(v.publicationInForce(list.slice(1), 2024, "2024-12-31")).toBeNull(); // the withdrawn one alone
    expect(v.publishedRecord(revised!, null)).toEqual(p.chiffres.ensemble);
    expect(v.publishedRecord(revised!, "S")).toEqual(p.chiffres.secteurs.find((s) => s.secteur === "S"));
    expect(v.publishedRecord(revised!, "X")).toBeNull();
    expect(v.gapsOf(revised!, null)).toEqual(revised!.ecarts.filter((g) => g.secteur === null));
    expect(v.gapsOf(revised!, null)).toHaveLength(1);

    const json = JSON.stringify(list);
    expect(json).not.toMatch(/\bB\d{4}\b/);
    expect(json).not.toMatch(/"(detail|num_contrat|cle_ligne)"/);

    // The nightly run builds the site from `<db>.building-<run>`: same publications.
    expect(publishedPath(`${db}.building-20250215T020000-abc`)).toBe(db);
    const building = `${db}.building-20250215T020000-abc`;
    fs.copyFileSync(db, building);
    expect((await load(building)).map((x) => x.id)).toEqual([p.id, first.id]);
  });
});
