/**
 * The body of every data loader under reports/data/: open the published warehouse
 * ($WAREHOUSE_DB, else data/warehouse.duckdb) read-only, write the loader's JSON on
 * stdout, log on stderr. On failure, one French line on stderr names the loader and the
 * mart, and the exit code is 1, which fails `npm run build`.
 */
import { openWarehouse, type Warehouse } from "../warehouse/warehouse.ts";
import { SiteDataError, warehousePath, type SiteLoader } from "./loaders.ts";

export async function runLoader<T>(loader: SiteLoader<T>): Promise<void> {
  const t0 = performance.now();
  const dbPath = warehousePath();
  let wh: Warehouse | null = null;
  try {
    wh = await openWarehouse(dbPath);
    const json = JSON.stringify(await loader.load(wh));
    await new Promise<void>((resolve, reject) => process.stdout.write(json, (e) => (e ? reject(e) : resolve())));
    process.stderr.write(
      `[site] ${loader.fichier} : ${(json.length / 1024).toFixed(1)} Ko depuis ${loader.marts.join(", ")} (${dbPath}) en ${Math.round(performance.now() - t0)} ms\n`,
    );
  } catch (e) {
    const mart = e instanceof SiteDataError ? e.mart : loader.marts.join(", ");
    process.stderr.write(`[site] ÉCHEC du chargeur ${loader.fichier} (mart ${mart}, entrepôt ${dbPath}) : ${(e as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    wh?.close();
  }
}
