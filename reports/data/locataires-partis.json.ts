// Data loader for locataires-partis.json: reads departed_tenants_per_month_and_sector from the published warehouse
// ($WAREHOUSE_DB, else data/warehouse.duckdb); the loader is in src/site/loaders.ts, its query in src/warehouse/.
import { departedTenants } from "../../src/site/loaders.ts";
import { runLoader } from "../../src/site/runLoader.ts";

await runLoader(departedTenants);
