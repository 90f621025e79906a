/** npm run serve: the server on the exports and users already in place (no demo generation). */
import { startServer } from "../server/main.ts";
import { ownerOnlyUmask } from "../ownerOnly.ts";
import { runMain } from "./args.ts";

runMain(async () => {
  ownerOnlyUmask(); // startServer also tightens what an older version left readable
  await startServer();
});
