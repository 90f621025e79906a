/**
 * The data's bounds in the published warehouse: the first and the latest posting date loaded.
 * The latest is "the latest data" everywhere (the worklist's date, a year in progress, the
 * replay's limit); one query, read once per handle.
 */
import { queryRows } from "../duckdb/db.ts";
import { memoized, type Warehouse } from "./warehouse.ts";

export interface DataBounds {
  premier_jour: string | null;
  dernier_jour: string | null;
}

export function dataBounds(wh: Warehouse): Promise<DataBounds> {
  return memoized(wh, "bornes", async () => {
    const [b] = await queryRows<{ premier_jour: string | null; dernier_jour: string | null }>(
      wh.conn,
      `select strftime(min(date_ecriture), '%Y-%m-%d') as premier_jour, strftime(max(date_ecriture), '%Y-%m-%d') as dernier_jour
       from ledger_entries`,
    );
    return b ?? { premier_jour: null, dernier_jour: null };
  });
}
