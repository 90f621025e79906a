// Data loader for variations.json: reads figure_changes_per_date_and_sector from the published
// warehouse ($WAREHOUSE_DB, else data/warehouse.duckdb); the loader is in src/site/loaders.ts, its query in src/warehouse/.
import { yearlyChanges } from "../../src/site/loaders.ts";
import { runLoader } from "../../src/site/runLoader.ts";

await runLoader(yearlyChanges);
