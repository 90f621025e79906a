import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadModels } from "../src/models/models.ts";
import { rawDir } from "../src/etl/rawLayer.ts";
import { queryRows } from "../src/duckdb/db.ts";
import { openWarehouse } from "../src/warehouse/warehouse.ts";
import { etl, tempDir, writeExportFile } from "./util/exports.ts";
import { buildSiteWarehouse, writeSiteOffice } from "./util/siteOffice.ts";

/** Every table the models keep, compared as multisets: rows only in a, rows only in b. */
async function differences(a: string, b: string): Promise<Record<string, [number, number]>> {
  const wh = await openWarehouse(a);
  try {
    await wh.conn.run(`attach '${b.replace(/'/g, "''")}' as other (read_only)`);
    const out: Record<string, [number, number]> = {};
    for (const m of loadModels().filter((m) => m.materialized === "table")) {
      const [r] = await queryRows<{ a: number; b: number }>(
        wh.conn,
        `select
           (select cast(count(*) as integer) from (select * from wh.main.${m.name} except all select * from other.main.${m.name})) as a,
           (select cast(count(*) as integer) from (select * from other.main.${m.name} except all select * from wh.main.${m.name})) as b`,
      );
      if (r!.a || r!.b) out[m.name] = [r!.a, r!.b];
    }
    return out;
  } finally {
    wh.close();
  }
}

/** Run the ETL on the inbox twice: on the warehouse kept between nights, and from nothing. */
async function nightAndFullRun(exportsDir: string, db: string, night: number) {
  const logs: string[] = [];
  const { run } = await etl({ exportsDir, dbPath: db, log: (l) => logs.push(l) });
  // the warehouse kept from the night before was updated, not rebuilt
  expect(logs.some((l) => /modèles SQL mis à jour|aucun fichier nouveau/.test(l))).toBe(true);
  const full = path.join(path.dirname(db), `full-${night}.duckdb`);
  await etl({ exportsDir, dbPath: full });
  return { run, full };
}

const row = (id: string, lease: string, date: string, code: string, debit: string, credit: string) => [
  id,
  lease,
  date,
  `${date.slice(3)}`,
  code,
  "Écriture",
  debit,
  credit,
  credit ? "VIREMENT" : "",
];

describe("the nightly run (only what new files change)", () => {
  it("gives the same tables as a full run, night after night", async () => {
    const { exportsDir, db } = await buildSiteWarehouse();

    // Night 1: a new day of entries, a correction of an old entry, an entry for a lease not
    // known yet, a bad date; actions, one of them cancelling an old one; a lease in a sector
    // not known yet; a new lease with its first entries.
    writeExportFile(exportsDir, "ecritures_20250105.csv", [
      ...Array.from({ length: 300 }, (_, i) => row(`H${i}`, `B${String((i % 10) + 1).padStart(4, "0")}`, "03/01/2025", "REG", "", "50,00")),
      row("E2-06-QL", "B0002", "01/06/2024", "QL", "450,00", ""), // correction: more rent billed in June 2024
      row("H-LATE", "B0099", "04/01/2025", "QL", "300,00", ""), // lease not known yet: quarantine
      ["H-BAD", "B0003", "32/01/2025", "01/2025", "QL", "x", "10,00", "", ""],
      row("H-NEW", "B0012", "03/01/2025", "QL", "380,00", ""),
    ]);
    writeExportFile(exportsDir, "actions_20250105.csv", [
      ["D01", "B0003", "03/01/2025", "RL1", "AG02", "", "", "N", ""],
      ["D02", "B0004", "04/01/2025", "CDP", "AG03", "", "", "N", ""],
      ["C03", "B0002", "15/12/2023", "VAD", "AG01", "", "", "O", ""], // cancelled afterwards
      ...Array.from({ length: 100 }, (_, i) => [`D1${i}`, "B0005", "04/01/2025", "SMS", "AG02", "", "", "N", ""]),
    ]);
    writeExportFile(exportsDir, "baux_20250105.csv", [
      ["B0012", "L12", "N", "Mulhouse", "02/01/2025", "", "", "CDI", "1", "N", "380,00", "60,00"],
      ["B0013", "L13", "E", "Colmar", "02/01/2025", "", "", "CDD", "1", "N", "300,00", "40,00"], // sector E unknown
      ...Array.from({ length: 120 }, (_, i) => [`BX${i}`, `LX${i}`, "S", "Colmar", "01/01/2025", "", "", "", "1", "N", "300,00", "40,00"]),
    ]);
    let night = await nightAndFullRun(exportsDir, db, 1);
    expect(
      night.run.fichiers
        .filter((f) => f.statut === "chargé")
        .map((f) => f.fichier)
        .sort(),
    ).toEqual(["actions_20250105.csv", "baux_20250105.csv", "ecritures_20250105.csv"]);
    expect(await differences(db, night.full)).toEqual({});

    // Night 2: the missing lease and sector arrive (quarantined rows become valid); a lease moves
    // to the other sector (its entries and actions follow); a rent changes; a role changes.
    writeExportFile(exportsDir, "secteurs_20250106.csv", [["E", "Ensisheim", "Agence de Colmar"]]);
    writeExportFile(exportsDir, "agents_20250106.csv", [["AG02", "CESF", ""]]);
    writeExportFile(exportsDir, "baux_20250106.csv", [
      ["B0099", "L99", "S", "Colmar", "01/01/2025", "", "", "CDI", "1", "O", "300,00", "50,00"],
      ["B0003", "L3", "S", "Mulhouse", "01/01/2020", "", "", "CDI", "2", "N", "400,00", "100,00"], // was N
      ["B0004", "L4", "N", "Mulhouse", "01/01/2020", "", "", "CDD", "2", "N", "420,00", "100,00"], // rent 400 -> 420
      ...Array.from({ length: 120 }, (_, i) => [`BY${i}`, `LY${i}`, "N", "Colmar", "01/01/2025", "", "", "", "1", "N", "300,00", "40,00"]),
    ]);
    writeExportFile(exportsDir, "ecritures_20250106.csv", [
      ...Array.from({ length: 120 }, (_, i) => row(`I${i}`, `B${String((i % 10) + 1).padStart(4, "0")}`, "06/01/2025", "QC", "5,00", "")),
    ]);
    night = await nightAndFullRun(exportsDir, db, 2);
    expect(await differences(db, night.full)).toEqual({});

    // Night 3: an older export loaded late (its version of a known entry must not win), an entry
    // dated back in 2023, a key repeated inside one file, a tenant leaving.
    writeExportFile(exportsDir, "ecritures_20241215.csv", [
      row("E2-06-QL", "B0002", "01/06/2024", "QL", "999,00", ""),
      row("J-OLD", "B0006", "20/03/2023", "FRP", "75,00", ""),
      row("J-DUP", "B0007", "07/01/2025", "FRP", "10,00", ""),
      row("J-DUP", "B0007", "07/01/2025", "FRP", "12,00", ""),
      ...Array.from({ length: 120 }, (_, i) => row(`J${i}`, "B0008", "07/01/2025", "AVO", "", "1,00")),
    ]);
    writeExportFile(exportsDir, "baux_20250107.csv", [
      ["B0005", "L5", "N", "Mulhouse", "01/01/2020", "06/01/2025", "CONGE", "CDI", "2", "N", "400,00", "100,00"],
    ]);
    night = await nightAndFullRun(exportsDir, db, 3);
    expect(await differences(db, night.full)).toEqual({});

    // Night 4: nothing new: nothing recomputed, nothing changed.
    night = await nightAndFullRun(exportsDir, db, 4);
    expect(night.run.fichiers.every((f) => f.statut === "déjà chargé")).toBe(true);
    expect(await differences(db, night.full)).toEqual({});

    // The raw layer holds one Parquet per file loaded, nothing else.
    const parquet: string[] = [];
    const walk = (d: string) =>
      fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : parquet.push(e.name)));
    walk(rawDir(db));
    expect(parquet.length).toBe(fs.readdirSync(exportsDir).length);
  });

  it("gives the same tables when a full run works in parts (ranges of leases, groups of files, the ledger sorted range by range)", async () => {
    const dir = tempDir("oph-parts-");
    const exportsDir = path.join(dir, "exports");
    writeSiteOffice(exportsDir);
    writeExportFile(exportsDir, "ecritures_20250105.csv", [
      ...Array.from({ length: 300 }, (_, i) => row(`P${i}`, `B${String((i % 11) + 1).padStart(4, "0")}`, "03/01/2025", "REG", "", "5,00")),
      row("E2-06-QL", "B0002", "01/06/2024", "QL", "450,00", ""),
    ]);
    const whole = path.join(dir, "whole.duckdb");
    const parts = path.join(dir, "parts.duckdb");
    await etl({ exportsDir, dbPath: whole });
    const before = process.env.ETL_PARTIE_LIGNES;
    process.env.ETL_PARTIE_LIGNES = "60";
    try {
      const logs: string[] = [];
      await etl({ exportsDir, dbPath: parts, log: (l) => logs.push(l) });
      for (const model of ["int_ecritures_checked", "ledger_entries", "int_ledger_days_cumulated", "int_lease_positions"]) {
        expect(
          logs.some((l) => new RegExp(`modèle ${model} : .*\\(\\d+ parties\\)`).test(l)),
          model,
        ).toBe(true);
      }
    } finally {
      if (before === undefined) delete process.env.ETL_PARTIE_LIGNES;
      else process.env.ETL_PARTIE_LIGNES = before;
    }
    expect(await differences(parts, whole)).toEqual({});
    // stored in lease order, as one pass stores it (case lookups and compression rely on it)
    const wh = await openWarehouse(parts);
    try {
      const [r] = await queryRows<{ n: number }>(
        wh.conn,
        `select cast(count(*) as integer) as n from (
           select (num_contrat, date_ecriture, id_ecriture) as cle,
                  lag((num_contrat, date_ecriture, id_ecriture)) over (order by rowid) as avant
           from ledger_entries
         ) where avant > cle`,
      );
      expect(r!.n).toBe(0);
    } finally {
      wh.close();
    }
  });
});
