/**
 * An API app on a fixture warehouse, with one user per role (test passwords) and a
 * run starter that records calls, for app.request() tests.
 */
import path from "node:path";
import { createApp } from "../../src/api/app.ts";
import type { AppContext, RunStarter, RunStatus } from "../../src/api/context.ts";
import { SessionStore, SignInThrottle } from "../../src/api/sessions.ts";
import { UserStore, type Role } from "../../src/api/users.ts";
import { RunLockedError } from "../../src/errors.ts";
import { WarehouseProvider } from "../../src/server/warehouseProvider.ts";
import { etl, tempDir, writeSmallOffice } from "./exports.ts";

export const PASSWORD = "mot-de-passe-de-test";

export class FakeRuns implements RunStarter {
  started: string[] = [];
  busy = false;
  async start(declenchement: "api" | "planification" | "cli") {
    if (this.busy) throw new RunLockedError("Un chargement est déjà en cours.");
    this.started.push(declenchement);
    return { depuis: "2026-11-27T02:30:00.000Z" };
  }
  status(): RunStatus {
    return { en_cours: null, derniers: [] };
  }
}

export async function smallOfficeWarehouse(): Promise<string> {
  const dir = tempDir();
  writeSmallOffice(path.join(dir, "exports"));
  const db = path.join(dir, "w.duckdb");
  await etl({ exportsDir: path.join(dir, "exports"), dbPath: db });
  return db;
}

export function buildTestApp(
  db: string,
  overrides: {
    runs?: RunStarter;
    now?: () => number;
    sleep?: (ms: number) => Promise<void>;
    allowedHosts?: string[];
    secureCookies?: boolean;
  } = {},
) {
  const users = UserStore.onePerRole(PASSWORD);
  const warehouse = new WarehouseProvider(db);
  const runs = overrides.runs ?? new FakeRuns();
  const logs: string[] = [];
  const app = createApp({
    warehouse,
    runs,
    users,
    sessions: new SessionStore(8 * 3600_000, overrides.now),
    // A test never really waits: the throttle's delays go through an injected sleep.
    throttle: new SignInThrottle({ maxDelayMs: 60_000, now: overrides.now, sleep: overrides.sleep ?? (async () => undefined) }),
    allowedHosts: overrides.allowedHosts,
    secureCookies: overrides.secureCookies,
    log: (l) => logs.push(l),
  });
  return { app, warehouse, runs, logs };
}

/** The product's app serving `siteDir` as the site and the API on `warehouse`, one account per role (test password), quiet. */
export function siteApp(warehouse: AppContext["warehouse"], siteDir: string, extra: Partial<AppContext> = {}) {
  return createApp({
    warehouse,
    runs: new FakeRuns(),
    users: UserStore.onePerRole(PASSWORD),
    sessions: new SessionStore(),
    throttle: new SignInThrottle(),
    siteDir: () => siteDir,
    log: () => undefined,
    ...extra,
  });
}

/** Sign in (as the account named after the role) and return the Cookie header value of the session. */
export async function signIn(app: ReturnType<typeof createApp>, role: Role, password = PASSWORD): Promise<string> {
  const res = await app.request("/api/session", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ identifiant: role, mot_de_passe: password }),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${role} failed: ${res.status}`);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}
