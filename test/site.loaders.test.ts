/**
 * The site's data loaders (src/site/loaders.ts, run by reports/data/*.json.ts) on a fixture
 * warehouse: they publish the warehouse's figures unchanged, the new metrics models count
 * what they say, nothing but aggregates leaves the warehouse, a failing loader names its
 * mart, and the French formatting and CSV are one module for the pages and src/.
 * The fixture warehouse is built once and only read.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { COMPLEMENTARY_FIGURES } from "../src/figures/complementaryDefinitions.ts";
import { COHORT_FIGURES, FIGURES, type FigureUnit } from "../src/figures/definitions.ts";
import { figuresCsv, type CsvDefinition } from "../reports/components/excelCsv.ts";
import { excelNumber, formatDate, formatValue } from "../reports/components/format.ts";
import { renderCsv } from "../src/figures/render.ts";
import { projectPath } from "../src/paths.ts";
import { openDatabase, queryRows } from "../src/duckdb/db.ts";
import { getFigures } from "../src/warehouse/figures.ts";
import { openWarehouse, type Warehouse } from "../src/warehouse/warehouse.ts";
import {
  ALL_LOADERS,
  MONTHLY_FIGURE_KEYS,
  actionsPerRole,
  annualFigures,
  definitions,
  departedTenants,
  litigationStages,
  loads,
  monthlyActions,
  monthlyFigures,
  publicRunMessage,
  quarantine,
  readReviewLabels,
  reviewLabels,
  sectors,
  type ColumnTable,
} from "../src/site/loaders.ts";
import { footerHtml, readSiteContext } from "../src/site/siteContext.ts";
import { tempDir } from "./util/exports.ts";
import { buildSiteWarehouse } from "./util/siteOffice.ts";

let db: string;

beforeAll(async () => {
  ({ db } = await buildSiteWarehouse());
});

async function withWarehouse<T>(f: (wh: Warehouse) => Promise<T>): Promise<T> {
  const wh = await openWarehouse(db);
  try {
    return await f(wh);
  } finally {
    wh.close();
  }
}

const rowsOf = (t: ColumnTable) => t.lignes.map((l) => Object.fromEntries(t.colonnes.map((c, i) => [c, l[i]])));

/** A monthly loader's row of a month and a sector (null: the whole office) or a role. */
const monthRow =
  (rows: Record<string, unknown>[], by: "secteur" | "role") =>
  (mois: string, value: string | null): Record<string, unknown> =>
    rows.find((r) => r.mois === mois && r[by] === value)!;

describe("annualFigures (figures-annuelles.json)", () => {
  it("publishes, for every year and scope, exactly the figures getFigures returns at month ends", async () => {
    await withWarehouse(async (wh) => {
      const { lignes } = await annualFigures.load(wh);
      // The data end on 02/01/2025: no month of 2025 has ended, so the public site has no 2025 yet.
      expect(lignes.map((r) => `${r.annee}/${r.secteur}`)).toEqual(["2023/null", "2023/N", "2023/S", "2024/null", "2024/N", "2024/S"]);
      for (const row of lignes) {
        expect(row).toEqual(await getFigures(wh, { annee: row.annee, secteur: row.secteur, monthEndsOnly: true }));
      }
    });
  });
});

describe("monthlyFigures (figures-mensuelles.json)", () => {
  it("gives each month-end's figures as columns, equal to the figures at that date", async () => {
    await withWarehouse(async (wh) => {
      const table = await monthlyFigures.load(wh);
      expect(table.colonnes).toEqual(["mois", "date_arrete", "secteur", "fenetre_complete", ...MONTHLY_FIGURE_KEYS]);
      const rows = rowsOf(table);
      // 2023-01 to 2024-12, three scopes each (January 2025, in progress, is left out: month ends only).
      expect(rows).toHaveLength(24 * 3);
      const dec2024 = rows.find((r) => r.date_arrete === "2024-12-31" && r.secteur === null)!;
      const f2024 = await getFigures(wh, { annee: 2024 });
      for (const k of [...MONTHLY_FIGURE_KEYS, "fenetre_complete"]) expect(dec2024[k]).toEqual(f2024[k]);
      const jun2024S = rows.find((r) => r.date_arrete === "2024-06-30" && r.secteur === "S")!;
      const fJun = await getFigures(wh, { annee: 2024, au: "2024-06-30", secteur: "S" });
      for (const k of [...MONTHLY_FIGURE_KEYS, "fenetre_complete"]) expect(jun2024S[k]).toEqual(fJun[k]);
    });
  });
});

describe("actions_per_month_and_sector (actions-mensuelles.json)", () => {
  it("counts each month's plans, visits, CAF reports and FSL applications, cancelled actions excluded", async () => {
    await withWarehouse(async (wh) => {
      const rows = rowsOf(await monthlyActions.load(wh));
      const at = monthRow(rows, "secteur");
      expect(at("2024-11-01", null)).toMatchObject({
        relances_mois: 2,
        visites_domicile_mois: 1,
        signalements_caf_mois: 1,
        demandes_fsl_mois: 1,
        plans_signes_mois: 1,
        plans_rompus_mois: 1,
        plans_soldes_mois: 0,
      });
      expect(at("2024-02-01", null)).toMatchObject({ plans_soldes_mois: 1 });
      expect(at("2023-11-01", "S")).toMatchObject({ plans_signes_mois: 1 });
      expect(at("2023-11-01", "N")).toMatchObject({ plans_signes_mois: 0 });
      // The months of a year add up to the year's figure of etl/models/metrics/FIGURES.md.
      const f2024 = await getFigures(wh, { annee: 2024 });
      const of2024 = rows.filter((r) => r.secteur === null && String(r.mois).startsWith("2024"));
      for (const [monthly, yearly] of [
        ["relances_mois", "relances"],
        ["plans_signes_mois", "plans_signes"],
        ["visites_domicile_mois", "visites_domicile"],
      ] as const) {
        expect(of2024.reduce((s, r) => s + (r[monthly] as number), 0)).toBe(f2024[yearly]);
      }
    });
  });
});

describe("actions_per_month_and_role (actions-par-fonction.json)", () => {
  it("counts each month's actions per staff role, with the role's head count and no staff code", async () => {
    await withWarehouse(async (wh) => {
      const data = await actionsPerRole.load(wh);
      const at = monthRow(rowsOf(data), "role");
      expect(at("2024-11-01", "AMIABLE")).toMatchObject({ actions_mois: 4, agents: 1, actions_par_agent_mois: 4 });
      expect(at("2024-11-01", "CESF")).toMatchObject({ actions_mois: 3, agents: 2, actions_par_agent_mois: 1.5 });
      expect(at("2024-12-01", "CONTENTIEUX")).toMatchObject({ actions_mois: 2, agents: 1 });
      expect(at("2024-12-01", "NON_ATTRIBUE")).toMatchObject({ actions_mois: 1, agents: null, actions_par_agent_mois: null });
      expect(JSON.stringify(data)).not.toMatch(/AG\d\d/);
    });
  });
});

describe("departed_tenants_per_month_and_sector (locataires-partis.json)", () => {
  it("counts handovers, write-offs and payments received after the move-out, in their month", async () => {
    await withWarehouse(async (wh) => {
      const rows = rowsOf(await departedTenants.load(wh));
      const at = monthRow(rows, "secteur");
      for (const [mois, secteur, want] of [
        ["2024-09-01", null, { transmissions_recouvrement_mois: 1, admissions_non_valeur_mois: 0, encaissements_apres_depart_mois: 0 }],
        ["2024-10-01", null, { encaissements_apres_depart_mois: 300 }],
        ["2024-11-01", "S", { admissions_non_valeur_mois: 1000 }],
        ["2024-11-01", "N", { admissions_non_valeur_mois: 0 }],
      ] as const) {
        expect(at(mois, secteur), `${mois} ${secteur}`).toMatchObject(want);
      }
      // B0011 paid 200 € a month while present in 2023: not "after departure".
      expect(rows.filter((r) => String(r.mois).startsWith("2023")).every((r) => r.encaissements_apres_depart_mois === 0)).toBe(true);
    });
  });
});

describe("litigation_stages_per_year_and_sector (etapes-contentieux.json)", () => {
  it("places each present household in debt at its furthest step since its latest payment order", async () => {
    await withWarehouse(async (wh) => {
      const rows = await litigationStages.load(wh);
      const of2024 = rows.filter((r) => r.annee === 2024 && r.secteur === null);
      expect(of2024.map((r) => [r.etape, r.menages])).toEqual([
        ["commandement_payer", 0],
        // B0001: payment order then summons; the cancelled judgment counts nowhere.
        ["assignation", 1],
        ["resiliation_bail", 0],
        ["commandement_quitter_lieux", 0],
        ["demande_concours", 0],
        ["concours_accorde", 0],
      ]);
      // B0011 had a payment order too, but left in June 2024: no longer "in procedure".
      expect(rows.filter((r) => r.annee === 2024 && r.secteur === "S").every((r) => r.menages === 0)).toBe(true);
      expect(rows.filter((r) => r.annee === 2023).every((r) => r.menages === 0)).toBe(true);
    });
  });
});

describe("definitions, sectors (definitions.json, secteurs.json)", () => {
  it("gives every figure of FIGURES.md its French definition, then the complementary indicators, marked as such", async () => {
    await withWarehouse(async (wh) => {
      const d = await definitions.load(wh);
      expect(d.figures.map((f) => f.cle)).toEqual([...FIGURES, ...COHORT_FIGURES].map((f) => f.cle));
      for (const c of d.complementaires) expect(c.definition).toMatch(/^Indicateur complémentaire, hors de la liste officielle/);
      // Each complementary indicator is a column of the model that computes it.
      for (const c of COMPLEMENTARY_FIGURES) {
        const cols = await queryRows<{ column_name: string }>(
          wh.conn,
          `select column_name from duckdb_columns() where database_name = 'wh' and table_name = $t`,
          { t: c.modele },
        );
        expect(
          cols.map((x) => x.column_name),
          `${c.modele}.${c.colonne ?? c.cle}`,
        ).toContain(c.colonne ?? c.cle);
      }
      expect(await sectors.load(wh)).toEqual([
        { code_secteur: "N", libelle_secteur: "Mulhouse – Nord", agence: "Agence de Mulhouse" },
        { code_secteur: "S", libelle_secteur: "Colmar Sud", agence: "Agence de Colmar" },
      ]);
    });
  });
});

describe("the lists of etl/seeds (definitions.json, libelles-revue.json)", () => {
  it("gives the pages the funnel's flows, stages and roles from the same seeds the SQL and the API read", async () => {
    await withWarehouse(async (wh) => {
      const d = await definitions.load(wh);
      // FIGURES.md's yearly actions in procedural order, demandes_concours included (the API once left it out).
      expect(d.flux.map((f) => f.cle).join(" → ")).toBe(
        "relances → plans_signes → commandements_payer → assignations → resiliations_bail → demandes_concours → concours_force_publique → expulsions",
      );
      for (const f of d.flux)
        expect(
          FIGURES.map((x) => x.cle),
          f.cle,
        ).toContain(f.cle);
      // The stages as the metrics model lists them, each with the review's label of that stage.
      const modelStages = await queryRows<{ etape: string }>(
        wh.conn,
        `select distinct rang, etape from litigation_stages_per_year_and_sector order by rang`,
      );
      expect(d.etapes.map((e) => e.etape)).toEqual(modelStages.map((r) => r.etape));
      const { champs, responsables } = await reviewLabels.load(wh);
      for (const e of d.etapes) expect(champs.etape).toContainEqual({ code: e.etape, libelle: e.libelle });
      expect(responsables).toEqual(["CESF", "AMIABLE", "CONTENTIEUX"]);
      expect(Object.keys(d.fonctions)).toEqual(["CESF", "AMIABLE", "CONTENTIEUX", "AUTRE", "NON_ATTRIBUE"]);
    });
  });
});

describe("loads and quarantine (chargements.json, quarantaine.json)", () => {
  it("says when the warehouse was last loaded, from which exports, up to which date", async () => {
    await withWarehouse(async (wh) => {
      const l = await loads.load(wh);
      expect(l.date_arrete_derniere).toBe("2025-01-02");
      expect(l.derniere_reussite?.statut).toBe("succès");
      expect(l.derniere_reussite?.fin).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(l.executions).toHaveLength(1);
      expect(l.fichiers).toHaveLength(9);
      expect(l.exports_par_type.map((e) => [e.type_fichier, e.date_export])).toEqual([
        ["actions", "2025-01-02"],
        ["agents", "2024-06-01"],
        ["baux", "2024-07-01"],
        ["ecritures", "2024-12-31"],
        ["secteurs", "2024-01-01"],
      ]);
    });
  });

  it("gives file, line, column and reason of quarantined rows, never their value or key", async () => {
    await withWarehouse(async (wh) => {
      const q = await quarantine.load(wh);
      expect(q.total).toBe(1);
      expect(q.par_fichier).toEqual([
        {
          fichier: "ecritures_20240105.csv",
          type_fichier: "ecritures",
          colonne: "date_ecriture",
          motif: "date invalide",
          lignes: 1,
          numeros_lignes: [394],
        },
      ]);
      const json = JSON.stringify(q);
      expect(json).not.toContain("31/02/2023");
      expect(json).not.toContain("F-BAD");
    });
  });

  it("keeps a failed run's sentence but drops the rows an invariant quotes", () => {
    expect(publicRunMessage('Invariant etl/tests/assert_x.sql violé : [{"num_contrat":"B0001"}]')).toBe(
      "Invariant etl/tests/assert_x.sql violé : […]",
    );
    expect(publicRunMessage("fichier refusé : colonne date_ecriture manquante")).toBe("fichier refusé : colonne date_ecriture manquante");
    expect(publicRunMessage(null)).toBeNull();
  });
});

describe("reviewLabels (libelles-revue.json)", () => {
  it("gives every code of the seeds its French label, field by field, in the seeds' order", async () => {
    // Hand-written seeds: two fields in ref_codes, a field of review_labels with a quote and accents.
    const dir = tempDir("oph-seeds-");
    const ref = path.join(dir, "ref_codes.csv");
    const review = path.join(dir, "review_labels.csv");
    fs.writeFileSync(
      ref,
      "champ;code;categorie;libelle\nrole;CONTENTIEUX;CONTENTIEUX;Chargée de contentieux\ncode_action;CFP;POLICE_GRANTED;Concours de la force publique accordé\nrole;CESF;CESF;Conseillère en économie sociale et familiale\n",
    );
    fs.writeFileSync(
      review,
      "champ;code;libelle\netat;suspendue_plan;Procédure suspendue par un plan d'apurement\npriorite;1;Haute\netat;close;Procédure close\n",
    );
    await withWarehouse(async (wh) => {
      expect(await readReviewLabels(wh, { ref_codes: ref, review_labels: review })).toEqual({
        champs: {
          role: [
            { code: "CONTENTIEUX", libelle: "Chargée de contentieux" },
            { code: "CESF", libelle: "Conseillère en économie sociale et familiale" },
          ],
          code_action: [{ code: "CFP", libelle: "Concours de la force publique accordé" }],
          etat: [
            { code: "suspendue_plan", libelle: "Procédure suspendue par un plan d'apurement" },
            { code: "close", libelle: "Procédure close" },
          ],
          priorite: [{ code: "1", libelle: "Haute" }],
        },
      });
    });
  });

  it("publishes the repository's seeds whole, and the page and its components keep no copy of a label", async () => {
    const seedRows = (file: string, labelColumn: number) =>
      fs
        .readFileSync(projectPath("etl", "seeds", file), "utf8")
        .split(/\r?\n/)
        .slice(1)
        .filter((l) => l.trim())
        .map((l) => {
          const cells = l.split(";");
          return { champ: cells[0]!, code: cells[1]!, libelle: cells[labelColumn]! };
        });
    const rows = [...seedRows("ref_codes.csv", 3), ...seedRows("review_labels.csv", 2)];
    const { champs } = await withWarehouse((wh) => reviewLabels.load(wh));
    expect(Object.values(champs).flat().length).toBe(rows.length);
    for (const r of rows) expect(champs[r.champ], r.champ).toContainEqual({ code: r.code, libelle: r.libelle });
    // The fields the review page reads.
    for (const champ of [
      "role",
      "code_action",
      "etat",
      "action",
      "etat_plan",
      "priorite",
      "echeance",
      "examen",
      "statut",
      "etape",
      "tri",
    ]) {
      expect(champs[champ]?.length, champ).toBeGreaterThan(0);
    }
    expect(champs.code_action).toContainEqual({ code: "JDP", libelle: "Jugement accordant des délais de paiement" });
    // One list: no label of the seeds is written in the review page or its components.
    const sources = [
      "revue-mensuelle.md",
      "components/reviewTable.js",
      "components/caseCard.js",
      "components/meetingFile.js",
      "components/reviewLabels.js",
    ]
      .map((f) => fs.readFileSync(projectPath("reports", f), "utf8"))
      .join("\n");
    const distinctive = rows.filter((r) => r.libelle.length > 12);
    expect(distinctive.length).toBeGreaterThan(30);
    for (const r of distinctive) expect(sources, `${r.champ} ${r.code}`).not.toContain(r.libelle);
    expect(sources).not.toMatch(/const (ETAPES|TRIS) =/);
  });
});

describe("every loader", () => {
  it("publishes aggregates only: no lease, dwelling or staff code, no raw quarantined value", async () => {
    await withWarehouse(async (wh) => {
      for (const loader of Object.values(ALL_LOADERS)) {
        const json = JSON.stringify(await loader.load(wh));
        expect(json, loader.fichier).not.toMatch(/\bB\d{4}\b/); // lease numbers
        expect(json, loader.fichier).not.toMatch(/"L\d+"/); // dwelling numbers
        expect(json, loader.fichier).not.toMatch(/\bAG\d{2}\b/); // staff codes
        expect(json, loader.fichier).not.toMatch(/"(num_contrat|num_logement|code_agent|valeur)"\s*:/);
      }
    });
  });

  it("runs as a data loader script: JSON on stdout, a one-line log on stderr", () => {
    const r = spawnSync(projectPath("node_modules", ".bin", "tsx"), [projectPath("reports", "data", "secteurs.json.ts")], {
      env: { ...process.env, WAREHOUSE_DB: db },
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).map((s: { code_secteur: string }) => s.code_secteur)).toEqual(["N", "S"]);
    expect(r.stderr).toMatch(/\[site\] secteurs\.json : .* depuis sectors/);
  });

  it("fails, naming its mart, when the warehouse lacks it", async () => {
    const empty = path.join(tempDir(), "vide.duckdb");
    (await openDatabase(empty)).close();
    const r = spawnSync(projectPath("node_modules", ".bin", "tsx"), [projectPath("reports", "data", "figures-annuelles.json.ts")], {
      env: { ...process.env, WAREHOUSE_DB: empty },
      encoding: "utf8",
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/ÉCHEC du chargeur figures-annuelles\.json \(mart figures_per_date_and_sector/);
    expect(r.stderr).toMatch(/la lecture du mart « figures_per_date_and_sector » a échoué/);
  });

  it("has one loader script under reports/data per loader", () => {
    const scripts = fs
      .readdirSync(projectPath("reports", "data"))
      .filter((f) => f.endsWith(".json.ts"))
      .sort();
    expect(scripts).toEqual(
      Object.values(ALL_LOADERS)
        .map((l) => `${l.fichier}.ts`)
        .sort(),
    );
  });
});

describe("site context (configuration)", () => {
  it("lists the sectors for their pages and writes the footer: as-of date and last successful run", async () => {
    const ctx = await readSiteContext(db);
    expect(ctx.secteurs.map((s) => s.code_secteur)).toEqual(["N", "S"]);
    const footer = footerHtml({ date_arrete_derniere: "2025-01-02", derniere_reussite: "2025-01-03T01:05:00Z" });
    expect(footer).toContain(">02/01/2025<");
    // 01:05 UTC is 02:05 in Paris in winter.
    expect(footer).toContain(">03/01/2025 à 02:05<");
  });
});

describe("the French helpers (reports/components), one copy for the server and the pages", () => {
  it("format French numbers and dates as the server always has, with no port left to keep equal", async () => {
    // Written by the former src/figures/format.ts: the one module writes them unchanged.
    const expected: [number | null, FigureUnit, string, string][] = [
      [12449, "nombre", "12\u202f449", "12449"],
      [1234.5, "nombre", "1\u202f235", "1234,5"],
      [1234.5, "euros", "1\u202f234,50\u00a0€", "1234,50"],
      [-1500, "euros", "-1\u202f500,00\u00a0€", "-1500,00"],
      [0.034712345, "taux", "3,47\u00a0%", "3,47 %"],
      [19.5, "jours", "19,5 j", "19,5"],
      [0, "nombre", "0", "0"],
      [null, "euros", "—", ""],
    ];
    for (const [v, unit, text, excel] of expected) {
      expect(formatValue(v, unit), `${v} ${unit}`).toBe(text);
      expect(excelNumber(v, unit), `${v} ${unit}`).toBe(excel);
    }
    expect(formatDate("2024-12-31")).toBe("31/12/2024");
    expect(formatDate(null)).toBe("—");
    // The pages import ./components/format.js: Framework serves the TypeScript module under that name.
    for (const port of ["reports/components/format.js", "reports/components/excelCsv.js", "src/figures/format.ts", "src/csv/excelCsv.ts"]) {
      expect(fs.existsSync(projectPath(port)), port).toBe(false);
    }
  });

  it("write the figures CSV byte for byte as `figures --format csv` does", async () => {
    await withWarehouse(async (wh) => {
      const { figures: defs, fenetre } = await definitions.load(wh);
      for (const [secteur, au] of [
        [null, null],
        ["S", null],
        [null, "2024-06-30"],
      ]) {
        const record = await getFigures(wh, { annee: 2024, secteur, au });
        expect(figuresCsv([record], defs as unknown as CsvDefinition[], fenetre)).toBe(renderCsv([record]));
      }
    });
  });
});
