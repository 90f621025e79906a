// Data loader for publications.json: reads the publications file beside the published warehouse
// ($WAREHOUSE_DB, else data/warehouse.duckdb) and their revisions; the loader is in src/site/loaders.ts, its query in src/warehouse/.
import { publications } from "../../src/site/loaders.ts";
import { runLoader } from "../../src/site/runLoader.ts";

await runLoader(publications);
