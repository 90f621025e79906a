// Data loader for definitions.json: reads figure_definitions from the published warehouse
// ($WAREHOUSE_DB, else data/warehouse.duckdb); the loader is in src/site/loaders.ts, its query in src/warehouse/.
import { definitions } from "../../src/site/loaders.ts";
import { runLoader } from "../../src/site/runLoader.ts";

await runLoader(definitions);
