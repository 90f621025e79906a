/**
 * The product's app as the server runs it: the API and the site of the run controller's
 * current build, on the published warehouse, with fresh sessions and sign-in throttling.
 * One place for the wiring that `npm run serve` and the tests and checks of the server share.
 */
import { createApp } from "../api/app.ts";
import { SessionStore, SignInThrottle } from "../api/sessions.ts";
import type { UserStore } from "../api/users.ts";
import type { RunController } from "./runController.ts";
import type { WarehouseProvider } from "./warehouseProvider.ts";

export function createProductApp(o: {
  warehouse: WarehouseProvider;
  runs: RunController;
  users: UserStore;
  log: (line: string) => void;
  secureCookies?: boolean;
  /** Host names served (src/api/requestOrigin.ts); default: the loopback names. */
  allowedHosts?: readonly string[];
}) {
  return createApp({
    warehouse: o.warehouse,
    runs: o.runs,
    users: o.users,
    sessions: new SessionStore(),
    throttle: new SignInThrottle(),
    siteDir: () => o.runs.currentSite(),
    secureCookies: o.secureCookies,
    allowedHosts: o.allowedHosts,
    log: o.log,
  });
}
