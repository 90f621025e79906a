/**
 * The inbox (src/etl/inbox.ts, issue 10): stray names and symbolic links are left aside
 * ("ignoré") and the run goes on; a file still being written waits ("en attente") for its
 * stability delay, its completion marker, or a later run when it changed while read; the
 * warehouse, its raw layer, journal, lock and the site builds are readable by their owner only.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { awaitingReason, backdateMtime, type InboxFile } from "../src/etl/inbox.ts";
import { profileSchema } from "../src/etl/profile.ts";
import { runEtl, type EtlOptions } from "../src/etl/runEtl.ts";
import { readRuns, type RunFileRecord } from "../src/runs/runJournal.ts";
import { openToOthers, tightenTree } from "../src/ownerOnly.ts";
import { buildFakeSite } from "./reliability/fakeSite.ts";
import { RunController } from "../src/server/runController.ts";
import { WarehouseProvider } from "../src/server/warehouseProvider.ts";
import { buildSite } from "../src/site/build.ts";
import { loads } from "../src/site/loaders.ts";
import { queryRows } from "../src/duckdb/db.ts";
import { getFigures } from "../src/warehouse/figures.ts";
import { openWarehouse } from "../src/warehouse/warehouse.ts";
import { buildTestApp, signIn } from "./util/apiApp.ts";
import { etl, HEADERS, tempDir, writeExport, writeExportFile, writeRaw, writeSmallOffice } from "./util/exports.ts";

const quiet = () => undefined;

function office() {
  const dir = tempDir("oph-inbox-");
  const exportsDir = path.join(dir, "exports");
  const db = path.join(dir, "data", "warehouse.duckdb");
  writeSmallOffice(exportsDir);
  return { dir, exportsDir, db };
}

/** The ETL with the profile's own stability rule (the `etl` helper turns the delay off). */
const runDefault = (o: EtlOptions) => runEtl({ log: quiet, ...o });

async function query<T>(db: string, sql: string): Promise<T[]> {
  const wh = await openWarehouse(db);
  try {
    return (await queryRows(wh.conn, sql)) as T[];
  } finally {
    wh.close();
  }
}

const byName = (files: RunFileRecord[], name: string) => files.find((f) => f.fichier === name);
/** One ledger row for lease B0002, with a marker id. */
const ledgerRow = (id: string) => [id, "B0002", "02/01/2025", "01/2025", "FRP", "Frais", "80,00", "", ""];

describe("stray files in the inbox", () => {
  it("leaves aside names off the pattern, unknown kinds and impossible dates, and loads the good files", async () => {
    const { exportsDir, db } = office();
    const stray = ["ecritures 20250101.csv", "ecritures_20250101.csv.", "locataires_20250101.csv", "baux_20250230.csv", "LISEZMOI.txt"];
    for (const name of stray) writeExport(exportsDir, name, [...HEADERS.ecritures], [ledgerRow("STRAY")]);
    writeRaw(exportsDir, ".DS_Store", "x");

    const { run } = await etl({ exportsDir, dbPath: db });

    expect(run.statut).toBe("succès");
    for (const name of stray) {
      const f = byName(run.fichiers, name);
      expect(f?.statut, name).toBe("ignoré");
      expect(f?.lignes_lues, name).toBeNull();
    }
    expect(byName(run.fichiers, "ecritures 20250101.csv")?.motif).toMatch(/^nom hors format .*Renommez-le/);
    expect(byName(run.fichiers, "ecritures_20250101.csv.")?.motif).toMatch(/^nom hors format/);
    expect(byName(run.fichiers, "locataires_20250101.csv")?.motif).toMatch(
      /^type de fichier « locataires » inconnu du profil « référence »/,
    );
    expect(byName(run.fichiers, "baux_20250230.csv")?.motif).toMatch(/^la date du nom de fichier n'existe pas au calendrier/);
    // hidden files are the system's: no word about them
    expect(byName(run.fichiers, ".DS_Store")).toBeUndefined();
    expect(
      run.fichiers
        .filter((f) => f.statut === "chargé")
        .map((f) => f.fichier)
        .sort(),
    ).toEqual(["actions_20241231.csv", "agents_20240101.csv", "baux_20240101.csv", "ecritures_20241231.csv", "secteurs_20240101.csv"]);
    const wh = await openWarehouse(db);
    try {
      expect((await getFigures(wh, { annee: 2024 })).quittancement).toBe(60000);
      expect(await queryRows(wh.conn, `select * from raw_ecritures where id_ecriture = 'STRAY'`)).toEqual([]);
      // the journal's record reaches etl_run_files, hence the data-quality page
      expect(await queryRows(wh.conn, `select fichier from etl_run_files where statut = 'ignoré' order by fichier`)).toHaveLength(5);
    } finally {
      wh.close();
    }
  });
});

describe("symbolic links and other entries that are not regular files", () => {
  it("never follows a link (its target's rows never reach the warehouse) and ignores a folder", async () => {
    const { dir, exportsDir, db } = office();
    // Outside the inbox, a valid lease export whose rows would show if the link were followed.
    const outside = writeExport(
      path.join(dir, "ailleurs"),
      "piege.csv",
      [...HEADERS.baux],
      [["PIEGE", "L99", "N", "Mulhouse", "01/01/2020", "", "", "CDI", "2", "N", "400,00", "100,00"]],
    );
    fs.symlinkSync(outside, path.join(exportsDir, "baux_20250101.csv"));
    fs.symlinkSync("/etc/passwd", path.join(exportsDir, "secteurs_20250101.csv"));
    fs.mkdirSync(path.join(exportsDir, "ecritures_20250301.csv"));

    const { run } = await etl({ exportsDir, dbPath: db });

    expect(run.statut).toBe("succès");
    for (const name of ["baux_20250101.csv", "secteurs_20250101.csv"]) {
      const f = byName(run.fichiers, name)!;
      expect(f.statut).toBe("ignoré");
      expect(f.motif).toMatch(/^lien symbolique : jamais suivi ni ouvert/);
      expect(f.taille).toBeNull(); // the target's size is not even looked at
      expect(f.sha256).toBeNull();
    }
    expect(byName(run.fichiers, "ecritures_20250301.csv")).toMatchObject({ statut: "ignoré", taille: null });
    expect(byName(run.fichiers, "ecritures_20250301.csv")!.motif).toMatch(/^dossier, pas un fichier ordinaire/);
    expect(await query(db, `select num_contrat from raw_baux where num_contrat = 'PIEGE'`)).toEqual([]);
    expect(await query(db, `select fichier from etl_files where fichier in ('baux_20250101.csv', 'secteurs_20250101.csv')`)).toEqual([]);
  });
});

describe("a file still being written", () => {
  it("waits while its modification time is within the profile's delay, then loads once older", async () => {
    const { exportsDir, db } = office();
    const file = writeExportFile(exportsDir, "ecritures_20250102.csv", [ledgerRow("RECENT")]);
    const now = Date.now() / 1000;
    fs.utimesSync(file, now - 5, now - 5); // written 5 s ago: under the default 60 s

    const first = await runDefault({ exportsDir, dbPath: db });
    expect(byName(first.run.fichiers, "ecritures_20250102.csv")).toMatchObject({ statut: "en attente", lignes_lues: null });
    expect(byName(first.run.fichiers, "ecritures_20250102.csv")!.motif).toMatch(/^modifié il y a moins de 60 s/);
    expect(first.run.fichiers.filter((f) => f.statut === "chargé")).toHaveLength(5);
    expect(await query(db, `select id_ecriture from ledger_entries where id_ecriture = 'RECENT'`)).toEqual([]);

    backdateMtime(file, 120);
    const second = await runDefault({ exportsDir, dbPath: db });
    expect(byName(second.run.fichiers, "ecritures_20250102.csv")?.statut).toBe("chargé");
    expect(await query(db, `select id_ecriture from ledger_entries where id_ecriture = 'RECENT'`)).toEqual([{ id_ecriture: "RECENT" }]);
  });

  it("with a completion marker, loads a file only once <file><suffix> is there, however recent", async () => {
    const { exportsDir, db } = office();
    const profile = profileSchema.parse({ nom: "avec marqueur", marqueur_fin: ".ok" });
    for (const name of fs.readdirSync(exportsDir)) writeRaw(exportsDir, `${name}.ok`, "");
    const file = writeExportFile(exportsDir, "ecritures_20250102.csv", [ledgerRow("MARQUE")]);
    const now = Date.now() / 1000;
    fs.utimesSync(file, now, now);

    const first = await runDefault({ exportsDir, dbPath: db, profile });
    expect(first.run.fichiers.filter((f) => f.statut === "chargé")).toHaveLength(5);
    expect(byName(first.run.fichiers, "ecritures_20250102.csv")).toMatchObject({ statut: "en attente" });
    expect(byName(first.run.fichiers, "ecritures_20250102.csv")!.motif).toMatch(/^marqueur de fin « ecritures_20250102\.csv\.ok » absent/);
    // markers are not warned about
    expect(first.run.fichiers.some((f) => f.fichier.endsWith(".ok"))).toBe(false);

    fs.writeFileSync(path.join(exportsDir, "ecritures_20250102.csv.ok"), "");
    const second = await runDefault({ exportsDir, dbPath: db, profile });
    expect(byName(second.run.fichiers, "ecritures_20250102.csv")?.statut).toBe("chargé");
    expect(await query(db, `select id_ecriture from ledger_entries where id_ecriture = 'MARQUE'`)).toEqual([{ id_ecriture: "MARQUE" }]);
  });

  it("drops a file appended to while it was read, publishes none of it, and loads it whole at the next run", async () => {
    const { exportsDir, db } = office();
    const name = "ecritures_20250102.csv";
    const file = writeExport(exportsDir, name, [...HEADERS.ecritures], [ledgerRow("AVANT-1"), ledgerRow("AVANT-2")]);
    let appended = false;
    // The ERP appends its last rows after the run decoded what was there.
    const onDecoded = (p: string) => {
      if (path.basename(p) !== name || appended) return;
      fs.appendFileSync(p, "APRES-1;B0002;03/01/2025;01/2025;FRP;Frais;5,00;;\r\n");
      appended = true;
    };

    const first = await runDefault({ exportsDir, dbPath: db, onDecoded });
    expect(appended).toBe(true);
    expect(byName(first.run.fichiers, name)).toMatchObject({ statut: "en attente", lignes_lues: null, sha256: null });
    expect(byName(first.run.fichiers, name)!.motif).toMatch(/^modifié pendant la lecture/);
    expect(first.run.fichiers.filter((f) => f.statut === "chargé")).toHaveLength(5);
    expect(await query(db, `select fichier from etl_files where fichier = '${name}'`)).toEqual([]);
    expect(await query(db, `select id_ecriture from raw_ecritures where id_ecriture like 'AVANT%' or id_ecriture like 'APRES%'`)).toEqual(
      [],
    );

    backdateMtime(file, 3600);
    const second = await runDefault({ exportsDir, dbPath: db, onDecoded });
    expect(byName(second.run.fichiers, name)).toMatchObject({ statut: "chargé", lignes_lues: 3 });
    expect(
      await query(db, `select id_ecriture from ledger_entries where id_ecriture like 'AVANT%' or id_ecriture like 'APRES%' order by 1`),
    ).toEqual([{ id_ecriture: "APRES-1" }, { id_ecriture: "AVANT-1" }, { id_ecriture: "AVANT-2" }]);
  });
});

describe("awaitingReason (the stability rule)", () => {
  const file = (mtimeMs: number): InboxFile => ({
    name: "baux_20250101.csv",
    path: "/x",
    kind: "baux",
    exportDate: "2025-01-01",
    size: 1,
    mtimeMs,
    ino: 1,
  });
  const start = Date.UTC(2026, 11, 2, 2, 30);
  const none = new Map<string, number>();

  it("waits for a file modified less than the delay before the run's start, or in the future", () => {
    expect(awaitingReason(file(start - 59_000), { settleSeconds: 60, marker: null }, none, start)).toMatch(/^modifié il y a moins de 60 s/);
    expect(awaitingReason(file(start - 60_000), { settleSeconds: 60, marker: null }, none, start)).toBeNull();
    expect(awaitingReason(file(start + 3_600_000), { settleSeconds: 0, marker: null }, none, start)).toMatch(
      /^date de modification dans le futur/,
    );
  });

  it("with no delay, reads a file written in the run's very millisecond (its mtime has a later fraction)", () => {
    expect(awaitingReason(file(start + 0.4), { settleSeconds: 0, marker: null }, none, start)).toBeNull();
  });

  it("with a marker, needs one at least as recent as the file", () => {
    const rule = { settleSeconds: 60, marker: ".ok" };
    expect(awaitingReason(file(start), rule, new Map([["baux_20250101.csv.ok", start]]), start)).toBeNull();
    expect(awaitingReason(file(start), rule, new Map([["baux_20250101.csv.ok", start - 1000]]), start)).toMatch(
      /^fichier modifié après son marqueur de fin/,
    );
  });
});

describe("what shows the files left aside", () => {
  it("lists them in /api/runs and in the data-quality page's loader (chargements.json)", async () => {
    const { dir, exportsDir, db } = office();
    writeExport(exportsDir, "ecritures 20250101.csv", [...HEADERS.ecritures], [ledgerRow("STRAY")]);
    const sitesDir = path.join(dir, "data", "site");
    fs.mkdirSync(sitesDir, { recursive: true });
    const provider = new WarehouseProvider(db);
    const runs = new RunController({
      exportsDir,
      dbPath: db,
      sitesDir,
      warehouse: provider,
      buildSite: (wh, out) => buildFakeSite(wh, out),
      log: quiet,
    });
    await runs.runNow("cli");
    provider.close();

    const { app, warehouse } = buildTestApp(db, { runs });
    try {
      const cookie = await signIn(app, "direction");
      const res = await app.request("/api/runs", { headers: { Cookie: cookie } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { derniers: Array<{ statut: string; fichiers: RunFileRecord[] }> };
      expect(body.derniers[0]!.statut).toBe("succès");
      expect(byName(body.derniers[0]!.fichiers, "ecritures 20250101.csv")).toMatchObject({ statut: "ignoré" });
    } finally {
      warehouse.close();
    }

    const wh = await openWarehouse(db);
    try {
      const data = await loads.load(wh);
      expect(data.fichiers_ecartes).toEqual([
        {
          run_id: readRuns(db).at(-1)!.run_id,
          fichier: "ecritures 20250101.csv",
          statut: "ignoré",
          motif: expect.stringMatching(/^nom hors format/),
        },
      ]);
      expect(data.fichiers.some((f) => f.fichier === "ecritures 20250101.csv" && f.statut === "ignoré")).toBe(true);
    } finally {
      wh.close();
    }
  });
});

describe("file modes", () => {
  let umask: number;
  beforeEach(() => {
    // The default umask of most systems: the product must not rely on the caller's.
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
  });

  it("creates the warehouse, raw layer, journal, lock, copy aside and site build readable by their owner only", async () => {
    const dir = tempDir("oph-modes-");
    const exportsDir = path.join(dir, "exports");
    writeSmallOffice(exportsDir);
    process.umask(0o022); // the export writers ran under it too; the data folder is made by the product
    const dataDir = path.join(dir, "data");
    const db = path.join(dataDir, "warehouse.duckdb");
    const during: string[] = [];
    await etl({
      exportsDir,
      dbPath: db,
      onLocked: () => during.push(...openToOthers(dataDir).map((e) => `verrou : ${e}`)),
      beforePublish: async () => void during.push(...openToOthers(dataDir).map((e) => `avant publication : ${e}`)),
    });
    expect(during).toEqual([]);
    await buildSite({ warehouse: db, output: path.join(dataDir, "site", "site-1"), log: quiet });
    const names = fs.readdirSync(dataDir).sort();
    expect(names).toEqual(["site", "warehouse.duckdb", "warehouse.duckdb.raw", "warehouse.duckdb.runs.jsonl"]);
    expect(fs.readdirSync(path.join(dataDir, "site", "site-1")).length).toBeGreaterThan(3);
    expect(openToOthers(dataDir)).toEqual([]);
  });

  it("tightens a data folder an older version left readable by others, without following links", () => {
    const dir = tempDir("oph-modes-");
    const data = path.join(dir, "data");
    fs.mkdirSync(path.join(data, "warehouse.duckdb.raw", "type_fichier=baux"), { recursive: true, mode: 0o755 });
    fs.writeFileSync(path.join(data, "warehouse.duckdb"), "x", { mode: 0o644 });
    fs.writeFileSync(path.join(data, "warehouse.duckdb.raw", "type_fichier=baux", "b.parquet"), "x", { mode: 0o644 });
    const outside = path.join(dir, "dehors.txt");
    fs.writeFileSync(outside, "x", { mode: 0o644 });
    fs.symlinkSync(outside, path.join(data, "lien"));
    expect(openToOthers(data).length).toBe(5);

    expect(tightenTree(data)).toBe(5);

    expect(openToOthers(data)).toEqual([]);
    expect(fs.statSync(path.join(data, "warehouse.duckdb")).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(data, "warehouse.duckdb.raw")).mode & 0o777).toBe(0o700);
    expect(fs.statSync(outside).mode & 0o777).toBe(0o644); // a link's target is not ours to change
  });
});
