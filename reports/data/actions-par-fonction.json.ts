// Data loader for actions-par-fonction.json: reads actions_per_month_and_role from the published warehouse
// ($WAREHOUSE_DB, else data/warehouse.duckdb); the query is in src/site/loaders.ts.
import { actionsPerRole } from "../../src/site/loaders.ts";
import { runLoader } from "../../src/site/runLoader.ts";

await runLoader(actionsPerRole);
