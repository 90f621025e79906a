/** npm run serve: the server on the exports and users already in place (no demo generation). */
import { startServer } from "../server/main.ts";
import { runMain } from "./args.ts";

runMain(async () => {
  await startServer();
});
