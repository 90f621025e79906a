/**
 * Access: every route × every role × no session, an expired session and forged cookies
 * get the documented status; property-based tests (fast-check) of every API parameter
 * through app.request(): never a 500, never a stack trace, never case data for a role that
 * may not see it, never request text inside the SQL the warehouse runs (recorded from the
 * DuckDB connection); sign-in slowed after repeated failures; no password in any log; no
 * secret in the repository or in the built site.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { createApp } from "../api/app.ts";
import type { RunStarter, WarehouseSource } from "../api/context.ts";
import { SessionStore, SignInThrottle } from "../api/sessions.ts";
import { ROLES, UserStore, hashPassword, type Role } from "../api/users.ts";
import { runEtl } from "../etl/runEtl.ts";
import { CASE_SORTS } from "../api/data/cases.ts";
import { FIGURES } from "../figures/definitions.ts";
import { STAGE_CODES } from "../figures/reviewStages.ts";
import { projectPath } from "../paths.ts";
import { WarehouseProvider } from "../server/warehouseProvider.ts";
import { buildSite } from "../site/build.ts";
import type { Warehouse } from "../warehouse/warehouse.ts";
import { tempDir, writeOffice } from "./office.ts";
import { line, type CheckLine } from "./table.ts";

const FAMILY = "Accès";
const PASSWORD = "Fiab-mdp-7Qz!pX3w";

type Auth = Role | "aucune" | "expirée" | "forgée" | "altérée";
const AUTHS: Auth[] = [...ROLES, "aucune", "expirée", "forgée", "altérée"];

class Runs implements RunStarter {
  async start() {
    return { depuis: "2025-01-01T02:30:00.000Z" };
  }
  status() {
    return { en_cours: null, derniers: [] };
  }
}

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
export const ROUTES: Route[] = [
  { method: "GET", path: "/api/figures?annee=2024", allowed: AGG, ok: 200 },
  { method: "GET", path: "/api/figures?annee=2024&secteur=N&au=2024-06-30", allowed: AGG, ok: 200 },
  { method: "GET", path: "/api/series?indicateur=taux_impayes", allowed: AGG, ok: 200 },
  { method: "GET", path: "/api/funnel?annee=2024", allowed: AGG, ok: 200 },
  { method: "GET", path: "/api/runs", allowed: AGG, ok: 200 },
  { method: "GET", path: "/api/cases", allowed: CASES, ok: 200 },
  { method: "GET", path: "/api/cases?format=csv", allowed: CASES, ok: 200 },
  { method: "GET", path: "/api/cases/B0001", allowed: CASES, ok: 200 },
  { method: "POST", path: "/api/runs", allowed: ["admin"], ok: 202 },
  { method: "GET", path: "/api/session", allowed: null, ok: 200 },
  { method: "DELETE", path: "/api/session", allowed: null, ok: 200 },
  { method: "GET", path: "/health", allowed: null, ok: 200 },
  { method: "GET", path: "/api/openapi.json", allowed: null, ok: 200 },
  { method: "GET", path: "/api/docs", allowed: null, ok: 200 },
  { method: "GET", path: "/connexion", allowed: null, ok: 200 },
  { method: "GET", path: "/api/inconnue", allowed: null, ok: 404 },
];

const STACK = /(\n\s+at |node:internal|\.ts:\d+|\.js:\d+:\d+|TypeError|ReferenceError|SyntaxError|DuckDB|Binder Error|Parser Error|Catalog Error)/;

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
  const app = createApp({
    warehouse: recordingSource(provider, sql),
    runs: new Runs(),
    users,
    sessions: new SessionStore(8 * 3600_000, clock),
    throttle: new SignInThrottle(5, 1000, 15 * 60_000, clock),
    log: (l) => logs.push(l),
  });
  const signIn = async (id: string, pw = PASSWORD) =>
    app.request("/api/session", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ identifiant: id, mot_de_passe: pw }) });
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
  for (const r of ROUTES) {
    for (const a of AUTHS) {
      // A DELETE signs the session out: use a throwaway session for it.
      const h = r.method === "DELETE" && cookies[a] && ROLES.includes(a as Role) ? { Cookie: cookieOf(await signIn(a)) } : headersFor(a);
      const res = await app.request(r.path, { method: r.method, headers: { "Content-Type": "application/json", ...h } });
      const signedIn = ROLES.includes(a as Role);
      const want = r.allowed === null ? r.ok : !signedIn ? 401 : r.allowed.includes(a as Role) ? r.ok : 403;
      const body = await res.text();
      let problem = res.status === want ? null : `${r.method} ${r.path} (${a}) : ${res.status} au lieu de ${want}`;
      if (!problem && (want === 401 || want === 403)) {
        const msg = (JSON.parse(body) as { erreur?: string }).erreur ?? "";
        if (!(want === 401 ? /connectez-vous sur \/connexion/ : /ne permet pas cet accès/).test(msg)) problem = `${r.method} ${r.path} (${a}) : message « ${msg} »`;
      }
      if (!problem && !(r.allowed?.some((x) => CASES.includes(x)) && CASES.includes(a as Role) && r.allowed === CASES) && leases.some((l) => body.includes(l)) && r.path !== "/api/cases/B0001") {
        problem = `${r.method} ${r.path} (${a}) : numéro de bail dans la réponse`;
      }
      matrix.push(problem);
    }
  }
  out.push(line(FAMILY, `chaque route × chaque rôle, sans session, session expirée, cookie forgé ou altéré : statut documenté (${ROUTES.length} routes × ${AUTHS.length})`, matrix));

  // 2. Property-based tests of every parameter.
  const marker = fc.stringMatching(/^[a-z]{2}[0-9a-f]{10}$/).map((m) => `zq${m}`);
  const hostile = fc.constantFrom(
    "' or 1=1 --", "N'; drop table leases; --", "2024; select 1", "%27%20or%201%3D1", "../../etc/passwd", "B0001' --", "\u0000", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "é".repeat(300),
    "2024-02-30", "9999", "0000", "-1", "1e9", "NaN", "0x10", " 2024", "2024 ", "taux_impayes;", "dette_desc,num_contrat", "500,555", "5000000000",
  );
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 2, arbitrary: hostile },
    { weight: 2, arbitrary: marker },
    { weight: 2, arbitrary: fc.tuple(fc.string({ maxLength: 8 }), marker, fc.string({ maxLength: 8 })).map(([a, m, b]) => a + m + b) },
    { weight: 3, arbitrary: fc.constantFrom("2024", "2025", "2019", "N", "S", "ZZ", "2024-06-30", "2025-01-02", "taux_impayes", "relance", "dette_desc", "csv", "json", "1", "50", "500", "1500,5", "B0001", "B0002") },
  );
  const param = fc.option(value, { nil: undefined, freq: 3 });
  const auth = fc.constantFrom<Auth>(...AUTHS);
  const enumValues = new Set<string>([...FIGURES.map((f) => f.cle), ...STAGE_CODES, ...Object.keys(CASE_SORTS), "csv", "json"]);
  const specs: Array<{ route: string; params: string[]; cases: boolean; path?: boolean }> = [
    { route: "/api/figures", params: ["annee", "au", "secteur"], cases: false },
    { route: "/api/series", params: ["indicateur", "secteur"], cases: false },
    { route: "/api/funnel", params: ["annee", "secteur"], cases: false },
    { route: "/api/cases", params: ["secteur", "etape", "dette_min", "tri", "page", "taille", "format"], cases: true },
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
        if ((!spec.cases || !mayCases) && leases.some((l) => new RegExp(`\\b${l}\\b`).test(body))) problems.push("donnée de dossier visible");
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
  out.push(line(FAMILY, `propriétés (fast-check) de chaque paramètre, ${o.runs} essais par route : ni 500, ni trace, ni dossier pour un rôle non autorisé, ni SQL bâti de l'entrée`, props, [
    `statuts : ${[...statuses].sort((x, y) => x[0] - y[0]).map(([k, v]) => `${k} × ${v}`).join(", ")} ; ${sqlTotal} textes SQL enregistrés et examinés`,
  ]));
  const internal = logs.filter((l) => /erreur [0-9a-f]+ sur/.test(l));
  out.push(line(FAMILY, "aucune erreur interne journalisée pendant les essais", [internal.length ? `${internal.length} erreur(s) : ${internal[0]}` : null]));

  // 3. Sign-in slowed down after repeated failures, doubling; a right password waits too.
  const throttle: Array<string | null> = [];
  {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await signIn("direction", "mauvais")).status);
    throttle.push(statuses.every((s) => s === 401) ? null : `5 premiers essais : ${statuses.join(",")}`);
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const blocked = await signIn("direction", PASSWORD);
      const retry = Number(blocked.headers.get("retry-after"));
      if (blocked.status !== 429 || !(retry > 0)) throttle.push(`essai bloqué attendu, obtenu ${blocked.status}`);
      else throttle.push(null);
      waits.push(retry);
      now += retry * 1000;
      await signIn("direction", "encore-faux");
    }
    const doubling = waits.every((w, i) => i === 0 || w === waits[i - 1]! * 2);
    throttle.push(waits[0] === 1 && doubling ? null : `attentes ${waits.join(", ")} s : pas 1, 2, 4…`);
    now += 3600_000;
    throttle.push((await signIn("direction")).status === 200 ? null : "le bon mot de passe refusé une fois l'attente passée");
    // One address, many accounts: the address is slowed down too.
    const addr: number[] = [];
    for (let i = 0; i < 7; i++) addr.push((await signIn(`inconnu-${i}`, "x")).status);
    throttle.push(addr.slice(5).every((s) => s === 429) ? null : `une adresse, 7 comptes : ${addr.join(",")}`);
    // The sign-in page follows the same rule.
    const form = await app.request("/connexion", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost" },
      body: new URLSearchParams({ identifiant: "communication", mot_de_passe: PASSWORD }),
    });
    throttle.push(form.status === 429 ? null : `/connexion pendant l'attente : ${form.status}`);
    now += 3600_000;
  }
  out.push(line(FAMILY, "connexion ralentie après 5 échecs (attente doublée, 429 + Retry-After), par compte et par adresse", throttle));

  // 4. The password never appears in a log, an answer or the users file.
  const captured: string[] = [];
  const origOut = process.stdout.write.bind(process.stdout);
  const origErr = process.stderr.write.bind(process.stderr);
  const bodies: string[] = [];
  process.stdout.write = ((c: string | Uint8Array, ...r: unknown[]) => (captured.push(String(c)), (origOut as (...a: unknown[]) => boolean)(c, ...r))) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array, ...r: unknown[]) => (captured.push(String(c)), (origErr as (...a: unknown[]) => boolean)(c, ...r))) as typeof process.stderr.write;
  try {
    for (const pw of [PASSWORD, `${PASSWORD}-faux`]) {
      const r1 = await signIn("admin", pw);
      bodies.push(await r1.text(), JSON.stringify([...r1.headers]));
      const r2 = await app.request("/connexion", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost" }, body: new URLSearchParams({ identifiant: "admin", mot_de_passe: pw, retour: "/" }) });
      bodies.push(await r2.text(), JSON.stringify([...r2.headers]));
    }
    const big = await app.request("/api/session", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ identifiant: "admin", mot_de_passe: PASSWORD + "x".repeat(20_000) }) });
    bodies.push(await big.text());
    const bad = await app.request("/api/session", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ identifiant: "admin", mot_de_passe: PASSWORD }).slice(0, -1) });
    bodies.push(await bad.text());
  } finally {
    process.stdout.write = origOut;
    process.stderr.write = origErr;
  }
  const usersFile = path.join(dir, "users.json");
  const { writeUsersFile } = await import("../api/users.ts");
  writeUsersFile(usersFile, [{ identifiant: "admin", role: "admin", mot_de_passe_hache: hashPassword(PASSWORD) }]);
  const everywhere = [...logs, ...captured, ...bodies, fs.readFileSync(usersFile, "utf8")].join("\n");
  out.push(line(FAMILY, "mot de passe jamais écrit : journaux du serveur, sorties, réponses, fichier des comptes", [everywhere.includes(PASSWORD) ? "mot de passe trouvé" : null]));

  // 5. No secret in the repository, nor in the built site.
  const scanned = scanRepository();
  out.push(line(FAMILY, `aucun secret dans le dépôt (${scanned.files} fichiers suivis ou non ignorés)`, scanned.findings.length ? scanned.findings : [null]));
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
    out.push({ famille: FAMILY, essai: "aucun secret dans le site construit", fois: 0, tenus: 0, nonExecute: "aucun site construit ici (dist/, data/site/) ; la vérification complète le construit" });
  }
  provider.close();
  log(`[accès] ${out.map((l) => `${l.tenus}/${l.fois}`).join(", ")}`);
  fs.rmSync(dir, { recursive: true, force: true });
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
    return (JSON.parse(fs.readFileSync(projectPath("data", "comptes-demo.txt"), "utf8")) as Array<{ mot_de_passe: string }>).map((a) => a.mot_de_passe);
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
    if (/(^|\/)(\.env(\..*)?|id_rsa|.*\.pem|.*\.key|users\.json|comptes-demo\.txt)$/.test(rel)) findings.push(`${rel} : fichier de secrets suivi`);
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
