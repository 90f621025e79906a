// Data loader for quarantaine.json: reads quarantine from the published warehouse
// ($WAREHOUSE_DB, else data/warehouse.duckdb); the loader is in src/site/loaders.ts, its query in src/warehouse/.
import { quarantine } from "../../src/site/loaders.ts";
import { runLoader } from "../../src/site/runLoader.ts";

await runLoader(quarantine);
