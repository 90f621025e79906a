// Data loader for actions-par-fonction.json: reads actions_per_month_and_role from the published warehouse
// ($WAREHOUSE_DB, else data/warehouse.duckdb); the loader is in src/site/loaders.ts, its query in src/warehouse/.
import { actionsPerRole } from "../../src/site/loaders.ts";
import { runLoader } from "../../src/site/runLoader.ts";

await runLoader(actionsPerRole);
