/**
 * Warehouses made before issue 10 kept, in `raw_rejects.valeur`, the text of each record the
 * decoder could not split (up to 200 characters, commentaire included: personal data), and
 * the mart of rows set aside (role = rows_set_aside) copied it. Today's decoder keeps no record text (normalizeExport.ts);
 * this module removes what an older warehouse still holds, once, on the run's copy of it.
 *
 * Why a new file rather than `alter table … drop column`: DuckDB does not erase what it frees.
 * A dropped column's bytes stay in the file, in free blocks and in the unused part of blocks
 * shared with other tables' small segments, where `strings` finds them (checked on DuckDB
 * 1.5: the text is still in the file after the drop and a checkpoint). Copying every live
 * object into a new file (COPY FROM DATABASE, DuckDB's documented way to compact) leaves
 * the freed bytes behind with the old file.
 */
import fs from "node:fs";
import { openDatabase, queryRows, sqlLiteral } from "../duckdb/db.ts";
import { modelWithRole } from "./models.ts";

/** The etl_state key of the models' fingerprint (runEtl.ts): removed to force a full rebuild. */
const FINGERPRINT_KEY = "empreinte_modeles";

async function hasTable(conn: Awaited<ReturnType<typeof openDatabase>>["conn"], name: string, column?: string): Promise<boolean> {
  const rows = await queryRows(
    conn,
    `select 1 from information_schema.columns
     where table_catalog = current_database() and table_schema = 'main' and table_name = $t and column_name = coalesce(cast($c as varchar), column_name)
     limit 1`,
    { t: name, c: column ?? null },
  );
  return rows.length > 0;
}

/**
 * When the warehouse at `file` (a run's private copy, closed) still has `raw_rejects.valeur`:
 * drop it and the table of rows set aside, remove the models' fingerprint (the run then rebuilds every
 * model, that one included, from the raw layer), and rewrite the file with the live data
 * only. `config` is DuckDB's for the new file (runEtl.ts NEW_WAREHOUSE_OPTIONS). Returns
 * whether it rewrote the file.
 */
export async function eraseRejectedRecordText(file: string, config: Record<string, string>, log: (line: string) => void): Promise<boolean> {
  const db = await openDatabase(file);
  try {
    if (!(await hasTable(db.conn, "raw_rejects", "valeur"))) return false;
    await db.conn.run(`alter table raw_rejects drop column valeur`);
    const held = modelWithRole("rows_set_aside").name;
    if (await hasTable(db.conn, held)) await db.conn.run(`drop table ${held}`);
    if (await hasTable(db.conn, "etl_state")) await db.conn.run(`delete from etl_state where cle = $k`, { k: FINGERPRINT_KEY });
    await db.conn.run("checkpoint");
  } finally {
    db.close();
  }
  const fresh = `${file}.sans-texte`;
  const removeFresh = () => {
    fs.rmSync(fresh, { force: true });
    fs.rmSync(`${fresh}.wal`, { force: true });
  };
  removeFresh();
  try {
    const target = await openDatabase(fresh, { config });
    try {
      const [{ name }] = (await queryRows<{ name: string }>(target.conn, `select current_database() as name`)) as [{ name: string }];
      await target.conn.run(`attach ${sqlLiteral(file)} as entrepot_ancien (read_only)`);
      await target.conn.run(`copy from database entrepot_ancien to "${name.replace(/"/g, '""')}"`);
      await target.conn.run(`detach entrepot_ancien`);
      await target.conn.run("checkpoint");
    } finally {
      target.close();
    }
    // The warehouse is readable by its owner only, like the copy it replaces.
    fs.chmodSync(fresh, 0o600);
    fs.renameSync(fresh, file);
    fs.rmSync(`${file}.wal`, { force: true });
  } finally {
    removeFresh();
  }
  log("entrepôt réécrit sans le texte des lignes rejetées (ancienne colonne raw_rejects.valeur) : tous les modèles sont reconstruits");
  return true;
}
