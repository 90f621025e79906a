/**
 * npm run build: the static site in dist/ (or $SITE_OUTPUT) from the published warehouse
 * (data/warehouse.duckdb, or $WAREHOUSE_DB). Progress on stderr; exit 1 on failure.
 */
import { runMain } from "../cli/args.ts";
import { ownerOnlyUmask } from "../ownerOnly.ts";
import { buildSite } from "./build.ts";

runMain(async () => {
  ownerOnlyUmask();
  await buildSite();
});
