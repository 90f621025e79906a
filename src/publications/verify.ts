/**
 * Reproducing a publication: a scratch warehouse built with the ETL's own code (tables,
 * reference data, every SQL model) from exactly the export files the publication lists, found
 * in the raw layer by their SHA-256; its figures at the publication's as-of date are then
 * compared with the published ones, figure by figure.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRawViews } from "../etl/rawLayer.ts";
import { loadEtlConfig } from "../etl/config.ts";
import { createDatabase, createEtlTables, loadReferenceData, rebuildModels } from "../etl/runEtl.ts";
import { DEFAULT_PROFILE } from "../etl/profile.ts";
import { queryRows, sqlLiteral } from "../duckdb/db.ts";
import { getFigures, getFiguresBySector } from "../warehouse/figures.ts";
import { openWarehouse } from "../warehouse/warehouse.ts";
import { figureGaps, type FigureGap } from "./compare.ts";
import { requireFiles } from "./rawFiles.ts";
import type { Publication } from "./store.ts";

export interface Verification {
  id: string;
  identique: boolean;
  ecarts: FigureGap[];
  fichiers: number;
  /**
   * The SQL models the warehouse is built with now differ from those of the publication (its
   * `empreinte_modeles`): a difference may then come from a changed definition, not the data.
   */
  modeles_changes: boolean;
}

export async function verifyPublication(
  dbPath: string,
  p: Publication,
  log: (line: string) => void = () => undefined,
): Promise<Verification> {
  const files = requireFiles(dbPath, p);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oph-verification-"));
  fs.chmodSync(dir, 0o700);
  const scratch = path.join(dir, "verification.duckdb");
  try {
    const db = await createDatabase(scratch);
    let fingerprint: string | null = null;
    try {
      const conn = db.conn;
      const config = loadEtlConfig();
      await conn.run(`set memory_limit = '${config.memoryLimit}'`);
      await conn.run(`set preserve_insertion_order = false`);
      await createEtlTables(conn);
      for (const f of files) {
        await conn.run(
          `insert into etl_files (fichier, type_fichier, date_export, sha256, lignes_lues, charge_le, fichier_brut)
           values ($f, $k, cast($d as date), $h, $n, current_timestamp, $b)`,
          { f: f.fichier, k: f.type_fichier, d: f.date_export, h: f.sha256, n: f.lignes_lues, b: f.parquet },
        );
      }
      // fichier_brut holds absolute paths here: the raw views read them from the root.
      await createRawViews(conn, scratch, path.parse(scratch).root);
      await loadReferenceData(conn, DEFAULT_PROFILE);
      // The code mapping of the profile the warehouse was loaded with, not the default one.
      await conn.run(`attach ${sqlLiteral(path.resolve(dbPath))} as publie (read_only)`);
      try {
        await conn.run(`create or replace table etl_profile_codes as select * from publie.etl_profile_codes`);
        const [state] = await queryRows<{ valeur: string }>(conn, `select valeur from publie.etl_state where cle = 'empreinte_modeles'`);
        fingerprint = state?.valeur ?? null;
      } finally {
        await conn.run(`detach publie`);
      }
      const tmp = path.join(dir, "tmp");
      fs.mkdirSync(tmp, { mode: 0o700 });
      await rebuildModels(conn, { step: (m) => log(`[vérification] ${m}`), tmpDir: tmp, partRows: config.partRows });
      await conn.run("checkpoint");
    } finally {
      db.close();
    }
    const wh = await openWarehouse(scratch);
    try {
      const query = { annee: p.annee, au: p.date_arrete };
      const current = { ensemble: await getFigures(wh, { ...query, secteur: null }), secteurs: await getFiguresBySector(wh, query) };
      const ecarts = figureGaps(p.chiffres, current);
      return {
        id: p.id,
        identique: ecarts.length === 0,
        ecarts,
        fichiers: files.length,
        modeles_changes: p.empreinte_modeles !== null && fingerprint !== null && p.empreinte_modeles !== fingerprint,
      };
    } finally {
      wh.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
