// Data loader for chargements.json: reads etl_runs, etl_run_files, figures_per_year_and_sector from the published warehouse
// ($WAREHOUSE_DB, else data/warehouse.duckdb); the loader is in src/site/loaders.ts, its query in src/warehouse/.
import { loads } from "../../src/site/loaders.ts";
import { runLoader } from "../../src/site/runLoader.ts";

await runLoader(loads);
