// Data loader for secteurs.json: reads sectors from the published warehouse
// ($WAREHOUSE_DB, else data/warehouse.duckdb); the query is in src/site/loaders.ts.
import { sectors } from "../../src/site/loaders.ts";
import { runLoader } from "../../src/site/runLoader.ts";

await runLoader(sectors);
