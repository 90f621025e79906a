/**
 * Access: every route × every role × no session, an expired session and forged cookies
 * get the documented status; property-based tests (fast-check) of every API parameter
 * through app.request(): never a 500, never a stack trace, never case data for a role that
 * may not see it, never request text inside the SQL the warehouse runs (recorded from the
 * DuckDB connection); sign-in slowed after repeated failures without letting a stranger lock
 * an account out; no-store on every answer that depends on the session; Host and Origin
 * checks (DNS rebinding, cross-origin posts); a public /health without file names; no
 * symbolic link followed by the static server; no password in any log; no secret in the
 * repository or in the built site.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { createApp } from "../../src/api/app.ts";
import type { RunStarter, RunStatus, WarehouseSource } from "../../src/api/context.ts";
import { SessionStore, SignInThrottle } from "../../src/api/sessions.ts";
import { ROLES, UserStore, hashPassword, type Role } from "../../src/api/users.ts";
import { runEtl } from "../../src/etl/runEtl.ts";
import { CASE_SORTS } from "../../src/warehouse/cases.ts";
import { FIGURES } from "../../src/figures/definitions.ts";
import { DUE_WINDOWS, EXAMINATION_FILTERS, OWNER_ROLES, STAGE_CODES } from "../../src/figures/reviewStages.ts";
import { projectPath } from "../../src/paths.ts";
import { WarehouseProvider } from "../../src/server/warehouseProvider.ts";
import { buildSite } from "../../src/site/build.ts";
import type { Warehouse } from "../../src/warehouse/warehouse.ts";
import { writeOffice } from "./office.ts";
import { tempDir } from "../util/exports.ts";
import { writeLinkedBuild } from "../util/siteLinks.ts";
import { line, type CheckLine } from "./table.ts";

const FAMILY = "Accès";
const PASSWORD = "Fiab-mdp-7Qz!pX3w";

type Auth = Role | "aucune" | "expirée" | "forgée" | "altérée";
const AUTHS: Auth[] = [...ROLES, "aucune", "expirée", "forgée", "altérée"];

class Runs implements RunStarter {
  started = 0;
  /** When set, the latest run failed with this message (a file, a line, a column). */
  failure: string | null = null;
  async start() {
    this.started++;
    return { depuis: "2025-01-01T02:30:00.000Z" };
  }
  status(): RunStatus {
    const derniers: RunStatus["derniers"] = this.failure
      ? [
          {
            run_id: "essai-echec",
            debut: "2099-01-01T02:30:00",
            fin: "2099-01-01T02:31:00",
            statut: "échec",
            message: this.failure,
            fichiers: [],
          },
        ]
      : [];
    return { en_cours: null, derniers };
  }
}

/** The connection of a client at this address, as @hono/node-server hands it to the app. */
const fromAddress = (address: string) => ({ incoming: { socket: { remoteAddress: address, remotePort: 40000, remoteFamily: "IPv4" } } });

/** The warehouse, with every SQL text the API sends to DuckDB recorded. */
function recordingSource(provider: WarehouseProvider, sql: string[]): WarehouseSource {
  const wrapConn = (conn: Warehouse["conn"]) =>
    new Proxy(conn, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (typeof v !== "function") return v;
        return (...args: unknown[]) => {
          for (const a of args) if (typeof a === "string") sql.push(a);
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const wrap = (wh: Warehouse): Warehouse => ({ ...wh, conn: wrapConn(wh.conn) });
  return { use: (fn) => provider.use((wh) => fn(wrap(wh))), json: (key, fn) => provider.json(key, (wh) => fn(wrap(wh))) };
}

interface Route {
  method: "GET" | "POST" | "DELETE";
  path: string;
  /** Roles that get `ok`; null: public (same answer for everyone). */
  allowed: readonly Role[] | null;
  ok: number;
}

const AGG = ROLES;
const CASES: readonly Role[] = ["recouvrement", "admin"];
/** The routes `allowed` roles get `ok` from, each written "METHOD path". */
const routes = (allowed: readonly Role[] | null, ok: number, ...requests: string[]): Route[] =>
  requests.map((r) => {
    const [method, path] = r.split(" ") as [Route["method"], string];
    return { method, path, allowed, ok };
  });
export const ROUTES: Route[] = [
  ...routes(
    AGG,
    200,
    "GET /api/figures?annee=2024",
    "GET /api/figures?annee=2024&secteur=N&au=2024-06-30",
    "GET /api/series?indicateur=taux_impayes",
    "GET /api/funnel?annee=2024",
    "GET /api/runs",
  ),
  ...routes(CASES, 200, "GET /api/cases", "GET /api/cases?format=csv", "GET /api/cases/B0001"),
  ...routes(["admin"], 202, "POST /api/runs"),
  ...routes(AGG, 200, "GET /api/publications"),
  // no publication in this office: an unknown one is a 404 for whoever may read them
  ...routes(
    AGG,
    404,
    "GET /api/publications/2024-000000",
    "GET /api/publications/2024-000000?format=csv",
    "GET /api/publications/2024-000000/revisions",
  ),
  // sent without a body: an admin reaches the validation (400); nothing is published or withdrawn
  ...routes(["admin"], 400, "POST /api/publications", "POST /api/publications/2024-000000/retrait"),
  ...routes(
    null,
    200,
    "GET /api/session",
    "DELETE /api/session",
    "GET /health",
    "GET /api/openapi.json",
    "GET /api/docs",
    "GET /connexion",
  ),
  ...routes(null, 404, "GET /api/inconnue"),
];

const STACK =
  /(\n\s+at |node:internal|\.ts:\d+|\.js:\d+:\d+|TypeError|ReferenceError|SyntaxError|DuckDB|Binder Error|Parser Error|Catalog Error)/;

export interface AccessOptions {
  /** fast-check runs per route. */
  runs: number;
  /** Build the real site from a fixture warehouse and scan it (slow: ~20 s). */
  buildSite: boolean;
  log?: (l: string) => void;
}

export async function checkAccess(o: AccessOptions): Promise<CheckLine[]> {
  const log = o.log ?? (() => undefined);
  const dir = tempDir("oph-acces-");
  writeOffice(path.join(dir, "exports"));
  const db = path.join(dir, "w.duckdb");
  await runEtl({ exportsDir: path.join(dir, "exports"), dbPath: db, log: () => undefined });
  const leases = Array.from({ length: 40 }, (_, i) => `B${String(i + 1).padStart(4, "0")}`);

  let now = Date.parse("2025-01-06T09:00:00Z");
  const clock = () => now;
  const logs: string[] = [];
  const sql: string[] = [];
  const provider = new WarehouseProvider(db);
  const users = UserStore.onePerRole(PASSWORD);
  const runs = new Runs();
  // The throttle's delays are recorded, never waited: the clock is the check's.
  const slept: number[] = [];
  const app = createApp({
    warehouse: recordingSource(provider, sql),
    runs,
    users,
    sessions: new SessionStore(8 * 3600_000, clock),
    throttle: new SignInThrottle({ now: clock, sleep: async (ms) => void slept.push(ms) }),
    log: (l) => logs.push(l),
  });
  /** Sign in; from `address` when given (app.request() has no socket otherwise). */
  const signIn = async (id: string, pw = PASSWORD, address?: string) =>
    app.request(
      "/api/session",
      { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ identifiant: id, mot_de_passe: pw }) },
      address ? fromAddress(address) : undefined,
    );
  const cookieOf = (res: Response) => res.headers.get("set-cookie")!.split(";")[0]!;

  // Sessions: expired ones first (made 9 h ago), then live ones.
  const expired = cookieOf(await signIn("admin"));
  now += 9 * 3600_000;
  const cookies = {} as Record<Auth, string | null>;
  for (const role of ROLES) cookies[role] = cookieOf(await signIn(role));
  cookies.aucune = null;
  cookies.expirée = expired;
  cookies.forgée = "oph_session=Zm9yZ2VkLXRva2VuLWZvcmdlZC10b2tlbi1mb3JnZWQtdG9rZW4";
  const real = cookies.admin!;
  cookies.altérée = real.slice(0, -1) + (real.endsWith("A") ? "B" : "A");
  const headersFor = (a: Auth, extra: Record<string, string> = {}) => ({ ...extra, ...(cookies[a] ? { Cookie: cookies[a]! } : {}) });
  const out: CheckLine[] = [];

  // 1. Every route × every role and session state: the documented status.
  const matrix: Array<string | null> = [];
  const caching: Array<string | null> = [];
  for (const r of ROUTES) {
    for (const a of AUTHS) {
      // A DELETE signs the session out: use a throwaway session for it.
      const h = r.method === "DELETE" && cookies[a] && ROLES.includes(a as Role) ? { Cookie: cookieOf(await signIn(a)) } : headersFor(a);
      const res = await app.request(r.path, { method: r.method, headers: { "Content-Type": "application/json", ...h } });
      const signedIn = ROLES.includes(a as Role);
      const want = r.allowed === null ? r.ok : !signedIn ? 401 : r.allowed.includes(a as Role) ? r.ok : 403;
      const body = await res.text();
      // No answer of the API, the sign-in page or /health may be kept by a browser or a proxy.
      const cc = res.headers.get("cache-control");
      const vary = res.headers.get("vary") ?? "";
      caching.push(
        cc === "no-store" && /\bcookie\b/i.test(vary)
          ? null
          : `${r.method} ${r.path} (${a}) → ${res.status} : Cache-Control « ${cc} », Vary « ${vary} »`,
      );
      let problem = res.status === want ? null : `${r.method} ${r.path} (${a}) : ${res.status} au lieu de ${want}`;
      if (!problem && (want === 401 || want === 403)) {
        const msg = (JSON.parse(body) as { erreur?: string }).erreur ?? "";
        if (!(want === 401 ? /connectez-vous sur \/connexion/ : /ne permet pas cet accès/).test(msg))
          problem = `${r.method} ${r.path} (${a}) : message « ${msg} »`;
      }
      if (
        !problem &&
        !(r.allowed?.some((x) => CASES.includes(x)) && CASES.includes(a as Role) && r.allowed === CASES) &&
        leases.some((l) => body.includes(l)) &&
        r.path !== "/api/cases/B0001"
      ) {
        problem = `${r.method} ${r.path} (${a}) : numéro de bail dans la réponse`;
      }
      matrix.push(problem);
    }
  }
  out.push(
    line(
      FAMILY,
      `chaque route × chaque rôle, sans session, session expirée, cookie forgé ou altéré : statut documenté (${ROUTES.length} routes × ${AUTHS.length})`,
      matrix,
    ),
  );
  out.push(
    line(
      FAMILY,
      `chaque route × chaque rôle et état de session : Cache-Control no-store et Vary: Cookie (${ROUTES.length} routes × ${AUTHS.length})`,
      caching,
    ),
  );

  // 2. Property-based tests of every parameter.
  const marker = fc.stringMatching(/^[a-z]{2}[0-9a-f]{10}$/).map((m) => `zq${m}`);
  const hostile = fc.constantFrom(
    "' or 1=1 --",
    "N'; drop table leases; --",
    "2024; select 1",
    "%27%20or%201%3D1",
    "../../etc/passwd",
    "B0001' --",
    "\u0000",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "é".repeat(300),
    "2024-02-30",
    "9999",
    "0000",
    "-1",
    "1e9",
    "NaN",
    "0x10",
    " 2024",
    "2024 ",
    "taux_impayes;",
    "dette_desc,num_contrat",
    "500,555",
    "5000000000",
  );
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 2, arbitrary: hostile },
    { weight: 2, arbitrary: marker },
    { weight: 2, arbitrary: fc.tuple(fc.string({ maxLength: 8 }), marker, fc.string({ maxLength: 8 })).map(([a, m, b]) => a + m + b) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        "2024",
        "2025",
        "2019",
        "N",
        "S",
        "ZZ",
        "2024-06-30",
        "2025-01-02",
        "taux_impayes",
        "relance",
        "dette_desc",
        "csv",
        "json",
        "1",
        "50",
        "500",
        "1500,5",
        "B0001",
        "B0002",
      ),
    },
  );
  const param = fc.option(value, { nil: undefined, freq: 3 });
  const auth = fc.constantFrom<Auth>(...AUTHS);
  const enumValues = new Set<string>([
    ...FIGURES.map((f) => f.cle),
    ...STAGE_CODES,
    ...OWNER_ROLES,
    ...DUE_WINDOWS,
    ...EXAMINATION_FILTERS,
    ...Object.keys(CASE_SORTS),
    "csv",
    "json",
  ]);
  const specs: Array<{ route: string; params: string[]; cases: boolean; path?: boolean }> = [
    { route: "/api/figures", params: ["annee", "au", "secteur"], cases: false },
    { route: "/api/series", params: ["indicateur", "secteur"], cases: false },
    { route: "/api/funnel", params: ["annee", "secteur"], cases: false },
    {
      route: "/api/cases",
      params: ["secteur", "role", "etape", "echeance", "examen", "date_reunion", "dette_min", "tri", "page", "taille", "format"],
      cases: true,
    },
    { route: "/api/cases/", params: ["num_contrat"], cases: true, path: true },
    { route: "/api/runs", params: [], cases: false },
    { route: "/health", params: [], cases: false },
  ];
  const props: Array<string | null> = [];
  const statuses = new Map<number, number>();
  let sqlTotal = 0;
  for (const spec of specs) {
    await fc.assert(
      fc.asyncProperty(fc.array(param, { minLength: spec.params.length, maxLength: spec.params.length }), auth, async (vals, a) => {
        sql.length = 0;
        let url = spec.route;
        const given: string[] = [];
        if (spec.path) {
          const v = vals[0] ?? "";
          given.push(v);
          url += encodeURIComponent(v);
        } else {
          const q = new URLSearchParams();
          spec.params.forEach((p, i) => {
            if (vals[i] !== undefined) {
              q.set(p, vals[i]!);
              given.push(vals[i]!);
            }
          });
          if ([...q].length) url += `?${q}`;
        }
        const res = await app.request(url, { headers: headersFor(a) });
        const body = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        sqlTotal += sql.length;
        const problems: string[] = [];
        if (![200, 400, 401, 403, 404].includes(res.status)) problems.push(`statut ${res.status}`);
        if (STACK.test(body)) problems.push(`trace ou erreur interne dans la réponse : ${body.slice(0, 160)}`);
        const mayCases = a === "recouvrement" || a === "admin";
        if ((!spec.cases || !mayCases) && leases.some((l) => new RegExp(`\\b${l}\\b`).test(body)))
          problems.push("donnée de dossier visible");
        if (spec.cases && !mayCases && ![401, 403].includes(res.status)) problems.push(`statut ${res.status} pour ${a} sur les dossiers`);
        for (const v of given) {
          const m = /zq[a-z]{2}[0-9a-f]{10}/.exec(v);
          const needle = m ? m[0] : v.length >= 8 && !enumValues.has(v) ? v : null;
          if (needle && sql.some((s) => s.includes(needle))) problems.push(`texte de la requête dans le SQL : ${JSON.stringify(v)}`);
        }
        const verdict = problems.length ? `${spec.route} ${JSON.stringify(given)} (${a}) → ${res.status} : ${problems.join(" ; ")}` : null;
        props.push(verdict);
        return true;
      }),
      { numRuns: o.runs, seed: 5_2025 },
    );
  }
  // The property is only worth something if requests reached the warehouse: say how many did.
  if (sqlTotal === 0 || !statuses.get(200)) props.push(`aucune requête n'a atteint l'entrepôt (${sqlTotal} SQL enregistrés)`);
  out.push(
    line(
      FAMILY,
      `propriétés (fast-check) de chaque paramètre, ${o.runs} essais par route : ni 500, ni trace, ni dossier pour un rôle non autorisé, ni SQL bâti de l'entrée`,
      props,
      [
        `statuts : ${[...statuses]
          .sort((x, y) => x[0] - y[0])
          .map(([k, v]) => `${k} × ${v}`)
          .join(", ")} ; ${sqlTotal} textes SQL enregistrés et examinés`,
      ],
    ),
  );
  const internal = logs.filter((l) => /erreur [0-9a-f]+ sur/.test(l));
  out.push(
    line(FAMILY, "aucune erreur interne journalisée pendant les essais", [
      internal.length ? `${internal.length} erreur(s) : ${internal[0]}` : null,
    ]),
  );

  // 3. Sign-in slowed down after repeated failures (src/api/sessions.ts): per address and
  // account, doubling; per address over all accounts; never a refusal of an account as such.
  const throttle: Array<string | null> = [];
  {
    const me = "192.0.2.10";
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await signIn("direction", "mauvais", me)).status);
    throttle.push(statuses.every((s) => s === 401) ? null : `5 premiers essais : ${statuses.join(",")}`);
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const blocked = await signIn("direction", PASSWORD, me);
      const retry = Number(blocked.headers.get("retry-after"));
      if (blocked.status !== 429 || !(retry > 0)) throttle.push(`essai bloqué attendu, obtenu ${blocked.status}`);
      else throttle.push(null);
      waits.push(retry);
      now += retry * 1000;
      await signIn("direction", "encore-faux", me);
    }
    const doubling = waits.every((w, i) => i === 0 || w === waits[i - 1]! * 2);
    throttle.push(waits[0] === 1 && doubling ? null : `attentes ${waits.join(", ")} s : pas 1, 2, 4…`);
    // Meanwhile the right password from another address signs in: the wait is this pair's.
    throttle.push(
      (await signIn("direction", PASSWORD, "192.0.2.11")).status === 200 ? null : "le bon mot de passe refusé depuis une autre adresse",
    );
    now += 3600_000;
    throttle.push((await signIn("direction", PASSWORD, me)).status === 200 ? null : "le bon mot de passe refusé une fois l'attente passée");
    // One address, many accounts: 20 failures in 15 minutes, then the address waits, and
    // signing another account in from it in between resets nothing.
    const addr: number[] = [];
    for (let i = 0; i < 19; i++) addr.push((await signIn(`inconnu-${i % 4}`, "x", "192.0.2.20")).status);
    addr.push((await signIn("admin", PASSWORD, "192.0.2.20")).status);
    addr.push((await signIn("inconnu-9", "x", "192.0.2.20")).status);
    addr.push((await signIn("communication", PASSWORD, "192.0.2.20")).status);
    const wanted = [...Array(19).fill(401), 200, 401, 429];
    throttle.push(
      addr.join(",") === wanted.join(",") ? null : `une adresse, plusieurs comptes : ${addr.join(",")} au lieu de ${wanted.join(",")}`,
    );
    // The sign-in page follows the same rule.
    const form = await app.request(
      "/connexion",
      {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost" },
        body: new URLSearchParams({ identifiant: "communication", mot_de_passe: PASSWORD }),
      },
      fromAddress("192.0.2.20"),
    );
    throttle.push(form.status === 429 ? null : `/connexion pendant l'attente : ${form.status}`);
    now += 3600_000;
  }
  out.push(
    line(
      FAMILY,
      "connexion ralentie : après 5 échecs d'une adresse sur un compte (attente doublée, 429 + Retry-After), après 20 échecs d'une adresse sur tous les comptes",
      throttle,
    ),
  );

  // 3b. The lock-out of issue 10: failures on one account from rotating addresses must not
  // refuse its right password; they slow every answer for that account by 2 s at most.
  const lockout: Array<string | null> = [];
  {
    for (let i = 1; i <= 30; i++) {
      const res = await signIn("recouvrement", "mauvais", `198.51.100.${i}`);
      lockout.push(res.status === 401 ? null : `échec n° ${i} depuis 198.51.100.${i} : ${res.status} au lieu de 401`);
    }
    slept.length = 0;
    const right = await signIn("recouvrement", PASSWORD, "203.0.113.99");
    lockout.push(right.status === 200 ? null : `le bon mot de passe après 30 échecs venus de 30 adresses : ${right.status} au lieu de 200`);
    const wrong = await signIn("recouvrement", "mauvais", "203.0.113.98");
    lockout.push(
      slept.length === 2 && slept[0] === slept[1] && slept[0]! <= 2000
        ? null
        : `délais ${slept.join(", ")} ms : attendu le même, 2 s au plus, bon ou mauvais mot de passe`,
    );
    lockout.push(wrong.status === 401 ? null : `mauvais mot de passe : ${wrong.status} au lieu de 401`);
    now += 3600_000;
  }
  out.push(
    line(
      FAMILY,
      "aucun blocage d'un compte par un inconnu : 30 échecs depuis 30 adresses, puis le bon mot de passe est accepté (délai ≤ 2 s, le même pour un mauvais)",
      lockout,
    ),
  );

  // 3c. Host and Origin: a page of another name (DNS rebinding) or origin changes nothing.
  const origins: Array<string | null> = [];
  {
    const rebound = await app.request("http://evil.example/connexion", {
      method: "POST",
      headers: { Host: "evil.example", Origin: "http://evil.example", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ identifiant: "admin", mot_de_passe: PASSWORD }),
    });
    origins.push(
      rebound.status === 421 && !rebound.headers.get("set-cookie")
        ? null
        : `POST /connexion, Host et Origin evil.example : ${rebound.status}${rebound.headers.get("set-cookie") ? " avec un cookie de session" : ""}`,
    );
    const reboundJson = await app.request("http://evil.example:3000/api/session", {
      method: "POST",
      headers: { Host: "evil.example:3000", Origin: "http://evil.example:3000", "Content-Type": "application/json" },
      body: JSON.stringify({ identifiant: "admin", mot_de_passe: PASSWORD }),
    });
    origins.push(
      reboundJson.status === 421 && !reboundJson.headers.get("set-cookie")
        ? null
        : `POST /api/session, Host et Origin evil.example : ${reboundJson.status}`,
    );
    const before = runs.started;
    const cross = await app.request("/api/runs", {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: "http://evil.example", Cookie: cookies.admin! },
    });
    origins.push(
      cross.status === 403 && runs.started === before
        ? null
        : `POST /api/runs (admin, JSON) depuis http://evil.example : ${cross.status}, ${runs.started - before} chargement(s) lancé(s)`,
    );
    const marked = await app.request("/api/runs", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Sec-Fetch-Site": "cross-site", Cookie: cookies.admin! },
    });
    origins.push(
      marked.status === 403 && runs.started === before ? null : `POST /api/runs (admin) marqué cross-site sans Origin : ${marked.status}`,
    );
    const signOut = await app.request("/api/session", {
      method: "DELETE",
      headers: { Origin: "http://evil.example", Cookie: cookies.admin! },
    });
    const still = await app.request("/api/runs", { headers: { Cookie: cookies.admin! } });
    origins.push(
      signOut.status === 403 && still.status === 200
        ? null
        : `DELETE /api/session depuis http://evil.example : ${signOut.status}, session ensuite ${still.status}`,
    );
  }
  out.push(
    line(
      FAMILY,
      "Host et Origin : POST /connexion et /api/session sous un autre nom (rebinding DNS) → 421 sans session ; POST /api/runs et DELETE /api/session d'une autre origine → 403",
      origins,
    ),
  );

  // 3d. The public /health names no file, line or column of a failed run.
  const health: Array<string | null> = [];
  {
    runs.failure = "baux_20250301.csv, ligne 1, colonne num_logement : colonne absente";
    for (const a of AUTHS) {
      const body = await (await app.request("/health", { headers: headersFor(a) })).text();
      const signedIn = ROLES.includes(a as Role);
      const shows = /baux_20250301|ligne 1|num_logement|essai-echec/.test(body);
      health.push(
        shows === signedIn
          ? null
          : `/health (${a}) : ${signedIn ? "détail absent pour une session ouverte" : `détail visible sans session : ${body.slice(0, 200)}`}`,
      );
    }
    runs.failure = null;
  }
  out.push(
    line(
      FAMILY,
      "/health sans session : statut et dates seulement (ni fichier, ni ligne, ni colonne d'un échec) ; le détail pour une session ouverte",
      health,
    ),
  );

  // 3e. The static server follows no symbolic link below the build folder.
  out.push(
    line(
      FAMILY,
      "site statique : aucun lien symbolique suivi (vers /etc/passwd, un fichier ou un dossier hors de la construction, un fichier ou un dossier dedans) → 404",
      await checkSiteLinks(dir),
    ),
  );

  // 4. The password never appears in a log, an answer or the users file.
  const captured: string[] = [];
  const origOut = process.stdout.write.bind(process.stdout);
  const origErr = process.stderr.write.bind(process.stderr);
  const bodies: string[] = [];
  process.stdout.write = ((c: string | Uint8Array, ...r: unknown[]) => (
    captured.push(String(c)),
    (origOut as (...a: unknown[]) => boolean)(c, ...r)
  )) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array, ...r: unknown[]) => (
    captured.push(String(c)),
    (origErr as (...a: unknown[]) => boolean)(c, ...r)
  )) as typeof process.stderr.write;
  try {
    for (const pw of [PASSWORD, `${PASSWORD}-faux`]) {
      const r1 = await signIn("admin", pw);
      bodies.push(await r1.text(), JSON.stringify([...r1.headers]));
      const r2 = await app.request("/connexion", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost" },
        body: new URLSearchParams({ identifiant: "admin", mot_de_passe: pw, retour: "/" }),
      });
      bodies.push(await r2.text(), JSON.stringify([...r2.headers]));
    }
    const big = await app.request("/api/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ identifiant: "admin", mot_de_passe: PASSWORD + "x".repeat(20_000) }),
    });
    bodies.push(await big.text());
    const bad = await app.request("/api/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ identifiant: "admin", mot_de_passe: PASSWORD }).slice(0, -1),
    });
    bodies.push(await bad.text());
  } finally {
    process.stdout.write = origOut;
    process.stderr.write = origErr;
  }
  const usersFile = path.join(dir, "users.json");
  const { writeUsersFile } = await import("../../src/api/users.ts");
  writeUsersFile(usersFile, [{ identifiant: "admin", role: "admin", mot_de_passe_hache: hashPassword(PASSWORD) }]);
  const everywhere = [...logs, ...captured, ...bodies, fs.readFileSync(usersFile, "utf8")].join("\n");
  out.push(
    line(FAMILY, "mot de passe jamais écrit : journaux du serveur, sorties, réponses, fichier des comptes", [
      everywhere.includes(PASSWORD) ? "mot de passe trouvé" : null,
    ]),
  );

  // 5. No secret in the repository, nor in the built site.
  const scanned = scanRepository();
  out.push(
    line(
      FAMILY,
      `aucun secret dans le dépôt (${scanned.files} fichiers suivis ou non ignorés)`,
      scanned.findings.length ? scanned.findings : [null],
    ),
  );
  const siteDirs: string[] = [];
  for (const d of [projectPath("dist"), projectPath("data", "site", "current")]) if (fs.existsSync(d)) siteDirs.push(fs.realpathSync(d));
  if (o.buildSite) {
    const output = path.join(dir, "site");
    await buildSite({ warehouse: db, output, log: () => undefined });
    siteDirs.push(output);
  }
  if (siteDirs.length) {
    const secrets = [PASSWORD, "mot-de-passe-de-test", ...demoPasswords()];
    const findings: Array<string | null> = [];
    let files = 0;
    for (const d of siteDirs) {
      for (const f of walk(d)) {
        files++;
        const text = fs.readFileSync(f, "latin1");
        const hit = secrets.find((s) => text.includes(s)) ?? SECRET_PATTERNS.find(([, re]) => re.test(text))?.[0];
        findings.push(hit ? `${f} : ${hit}` : null);
      }
    }
    out.push(line(FAMILY, `aucun secret dans le site construit (${siteDirs.length} construction(s), ${files} fichiers)`, findings));
  } else {
    out.push({
      famille: FAMILY,
      essai: "aucun secret dans le site construit",
      fois: 0,
      tenus: 0,
      nonExecute: "aucun site construit ici (dist/, data/site/) ; la vérification complète le construit",
    });
  }
  provider.close();
  log(`[accès] ${out.map((l) => `${l.tenus}/${l.fois}`).join(", ")}`);
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

/** A build reached through a `current` link, with links of every kind inside it: only real files are served. */
async function checkSiteLinks(dir: string): Promise<Array<string | null>> {
  fs.mkdirSync(path.join(dir, "liens"));
  const links = writeLinkedBuild(path.join(dir, "liens"));
  const app = createApp({
    warehouse: { use: () => Promise.reject(new Error("sans entrepôt")), json: () => Promise.reject(new Error("sans entrepôt")) },
    runs: new Runs(),
    users: new UserStore([]),
    sessions: new SessionStore(),
    throttle: new SignInThrottle(),
    siteDir: () => links.current,
    log: () => undefined,
  });
  const out: Array<string | null> = [];
  for (const [p, want] of [...Object.keys(links.served).map((p) => [p, 200] as const), ...links.refused.map((p) => [p, 404] as const)]) {
    const res = await app.request(p);
    const body = await res.text();
    const leaked = want === 404 && links.leak.test(body);
    out.push(res.status === want && !leaked ? null : `${p} : ${res.status} au lieu de ${want}${leaked ? ", contenu servi" : ""}`);
  }
  return out;
}

const SECRET_PATTERNS: Array<[string, RegExp]> = [
  ["clé privée", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["clé AWS", /\bAKIA[0-9A-Z]{16}\b/],
  ["jeton GitHub", /\bgh[pousr]_[A-Za-z0-9]{36}\b/],
  ["jeton npm", /\bnpm_[A-Za-z0-9]{36}\b/],
  ["jeton Slack", /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
  ["empreinte scrypt d'un compte", /scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]{16,}\$[A-Za-z0-9+/=]{16,}/],
  ["mot de passe en clair", /"mot_de_passe"\s*:\s*"[^"]{6,}"/],
  ["URL avec identifiants", /\b[a-z]+:\/\/[^\s/:@"']+:[^\s/@"']{6,}@/],
];

/** Test-only constants that look like passwords, and why they are not secrets. */
const ALLOWED = [
  /mot-de-passe-de-test/, // test/util/apiApp.ts: the password of throwaway test accounts
];

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

function demoPasswords(): string[] {
  try {
    return (JSON.parse(fs.readFileSync(projectPath("data", "comptes-demo.txt"), "utf8")) as Array<{ mot_de_passe: string }>).map(
      (a) => a.mot_de_passe,
    );
  } catch {
    return [];
  }
}

export function scanRepository(): { files: number; findings: string[] } {
  const root = projectPath();
  const list = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" })
    .split("\0")
    .filter(Boolean);
  const findings: string[] = [];
  for (const rel of list) {
    if (/(^|\/)(\.env(\..*)?|id_rsa|.*\.pem|.*\.key|users\.json|comptes-demo\.txt)$/.test(rel))
      findings.push(`${rel} : fichier de secrets suivi`);
    const full = path.join(root, rel);
    if (!fs.existsSync(full) || !fs.statSync(full).isFile() || fs.statSync(full).size > 5_000_000) continue;
    const text = fs.readFileSync(full, "latin1");
    for (const [what, re] of SECRET_PATTERNS) {
      const m = re.exec(text);
      if (m && !ALLOWED.some((a) => a.test(m[0]))) findings.push(`${rel} : ${what} (« ${m[0].slice(0, 40)} »)`);
    }
    for (const s of demoPasswords()) if (text.includes(s)) findings.push(`${rel} : mot de passe de démonstration`);
  }
  return { files: list.length, findings };
}
