/**
 * What the API needs from the outside world, passed in so tests can build the app
 * on a fixture warehouse and call it through app.request() without opening a port.
 */
import type { Warehouse } from "../warehouse/warehouse.ts";
import type { SessionStore, SignInThrottle } from "./sessions.ts";
import type { UserStore } from "./users.ts";
import type { RunRecord } from "../runs/runJournal.ts";

export interface WarehouseSource {
  /** Run fn on the current published warehouse; a swap during fn never closes it under fn. */
  use<T>(fn: (wh: Warehouse) => Promise<T>): Promise<T>;
  /**
   * The JSON text of fn's answer on the current published warehouse, computed once
   * per publication under this key and kept while the cache has room. The key must
   * name everything the answer depends on (route and validated parameters).
   */
  json(key: string, fn: (wh: Warehouse) => Promise<unknown>): Promise<string>;
}

export interface RunStatus {
  en_cours: { run_id: string | null; declenchement: string; depuis: string } | null;
  derniers: RunRecord[];
}

export interface RunStarter {
  /** Start a run now; rejects with RunLockedError when one is already running. */
  start(declenchement: "api" | "planification" | "cli"): Promise<{ depuis: string }>;
  status(): RunStatus;
}

export interface AppContext {
  warehouse: WarehouseSource;
  runs: RunStarter;
  users: UserStore;
  sessions: SessionStore;
  throttle: SignInThrottle;
  /** Serve the static site from this folder (its current build), when set. */
  siteDir?: () => string | null;
  /**
   * The server is reached over HTTPS (a proxy in front of it): cookies get the Secure flag and
   * answers carry Strict-Transport-Security, which is never sent over plain HTTP.
   */
  secureCookies?: boolean;
  /**
   * Host names this server answers to (Host header, port ignored); any other gets 421.
   * Default: localhost, 127.0.0.1 and ::1 (a local server; app.request() in tests is localhost).
   */
  allowedHosts?: readonly string[];
  log?: (line: string) => void;
}

export type AppEnv = {
  Variables: {
    ctx: AppContext;
    session: import("./sessions.ts").Session | null;
    requestId: string;
    /** Set by the static server: a site file, cached as such (not "no-store" like every other answer). */
    staticFile: boolean;
  };
};
