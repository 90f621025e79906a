/**
 * The ETL's journal in the published warehouse (etl_runs, etl_run_files): the runs, the files
 * each read or refused, the latest success. Instants are UTC (cast from ISO strings ending in Z).
 */
import { queryRows, type Row } from "../duckdb/db.ts";
import { SKIPPED_STATUSES } from "../runs/runJournal.ts";
import type { Warehouse } from "./warehouse.ts";

const isoDate = (column: string, alias = column) => `strftime(${column}, '%Y-%m-%d') as ${alias}`;
const isoInstant = (column: string) => `strftime(${column}, '%Y-%m-%dT%H:%M:%SZ') as ${column}`;

/** The end of the latest successful run (lastSuccessfulRun), yyyy-mm-ddThh:mm:ss (UTC, no zone), or null. */
export async function lastSuccessfulRunEnd(wh: Warehouse): Promise<string | null> {
  return (await lastSuccessfulRun(wh))?.fin?.replace(/Z$/, "") ?? null;
}

/** Every run, latest first: its instants, outcome, message and counts. */
export function runList<T extends Row>(wh: Warehouse): Promise<T[]> {
  return queryRows<T>(
    wh.conn,
    `select run_id, ${isoInstant("debut")}, ${isoInstant("fin")}, statut, message,
       cast(fichiers_charges as integer) as fichiers_charges,
       cast(lignes_lues as integer) as lignes_lues,
       cast(lignes_quarantaine as integer) as lignes_quarantaine
     from etl_runs
     order by debut desc`,
  );
}

/** The files each run read or refused, latest run first (a file skipped as already loaded is left out). */
export function runFileList<T extends Row>(wh: Warehouse): Promise<T[]> {
  return queryRows<T>(
    wh.conn,
    `select f.run_id, f.fichier, f.type_fichier, ${isoDate("f.date_export", "date_export")}, f.statut,
       f.lignes_lues, f.lignes_chargees, f.lignes_quarantaine, f.motif
     from etl_run_files as f
     inner join etl_runs as r on r.run_id = f.run_id
     -- why: every run lists the whole inbox; a file skipped as already loaded says nothing new
     where f.statut <> 'déjà chargé'
     order by r.debut desc, f.date_export, f.fichier`,
  );
}

/** The latest export date of each file kind loaded by a successful run, with that file. */
export function latestExports(wh: Warehouse): Promise<{ type_fichier: string; date_export: string; fichier: string }[]> {
  return queryRows(
    wh.conn,
    `select f.type_fichier, ${isoDate("max(f.date_export)", "date_export")}, arg_max(f.fichier, f.date_export) as fichier
     from etl_run_files as f
     inner join etl_runs as r on r.run_id = f.run_id and r.statut = 'succès'
     where f.statut in ('chargé', 'rechargé', 'déjà chargé')
     group by f.type_fichier
     order by f.type_fichier`,
  );
}

/**
 * The inbox entries the latest run left aside ("ignoré", "en attente": SKIPPED_STATUSES), and why.
 * The latest run is the one that published this warehouse (a later failed one is not in it yet).
 */
export function filesLeftAside<T extends Row>(wh: Warehouse): Promise<T[]> {
  return queryRows<T>(
    wh.conn,
    `select f.run_id, f.fichier, f.statut, f.motif
     from etl_run_files as f
     where f.run_id = (select run_id from etl_runs order by debut desc limit 1)
       and f.statut in (${SKIPPED_STATUSES.map((st) => `'${st}'`).join(", ")})
     order by f.statut, f.fichier`,
  );
}

/** The latest successful run (the one that produced this warehouse): its id and instants (UTC, with Z), or null. */
export async function lastSuccessfulRun(wh: Warehouse): Promise<{ run_id: string; debut: string | null; fin: string | null } | null> {
  const [run] = await queryRows<{ run_id: string; debut: string | null; fin: string | null }>(
    wh.conn,
    `select run_id, ${isoInstant("debut")}, ${isoInstant("fin")}
     from etl_runs where statut = 'succès' order by fin desc, run_id desc limit 1`,
  );
  return run ?? null;
}

/** The export files the warehouse rests on (etl_files), by kind and export date. */
export function loadedFiles<T extends Row>(wh: Warehouse): Promise<T[]> {
  return queryRows<T>(
    wh.conn,
    `select fichier, type_fichier, strftime(date_export, '%Y-%m-%d') as date_export, sha256,
            cast(lignes_lues as integer) as lignes_lues, fichier_brut
     from etl_files order by type_fichier, date_export, fichier`,
  );
}

/** The fingerprint of the SQL models that built the warehouse (etl_state), or null. */
export async function modelsFingerprint(wh: Warehouse): Promise<string | null> {
  const [state] = await queryRows<{ valeur: string }>(wh.conn, `select valeur from etl_state where cle = 'empreinte_modeles'`);
  return state?.valeur ?? null;
}
