/**
 * The sectors of the published warehouse, and the one check of a sector code asked for (by the
 * CLI and every API route): an unknown code is a French error that lists the known ones, never
 * an empty answer.
 */
import { queryRows, type Row } from "../duckdb/db.ts";
import { QueryError } from "../errors.ts";
import { memoized, type Warehouse } from "./warehouse.ts";

/** The sector codes, in order (a published file never changes: read once per handle). */
export function sectorCodes(wh: Warehouse): Promise<string[]> {
  return memoized(wh, "secteurs", async () =>
    (await queryRows<{ code_secteur: string }>(wh.conn, `select code_secteur from sectors order by 1`)).map((s) => s.code_secteur),
  );
}

export async function checkSector(wh: Warehouse, secteur: string): Promise<void> {
  const codes = await sectorCodes(wh);
  if (!codes.includes(secteur)) {
    throw new QueryError(`secteur « ${secteur} » inconnu. Secteurs connus : ${codes.join(", ") || "aucun"}.`);
  }
}

/** Every sector with its label and agency, in code order. */
export function sectorRows<T extends Row>(wh: Warehouse): Promise<T[]> {
  return queryRows<T>(wh.conn, `select code_secteur, libelle_secteur, agence from sectors order by code_secteur`);
}
