/**
 * The HTTP surface under attack (issue 10): sign-in lock-out from rotating addresses, cache
 * headers, Host and Origin checks (DNS rebinding, cross-origin JSON posts), the public
 * /health, symbolic links in the site's build, the per-page CSP and HSTS.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/api/app.ts";
import { HTL_PLACEHOLDER_HASHES, inlineCodeHashes, policyHeader } from "../src/api/contentSecurityPolicy.ts";
import type { RunStarter, RunStatus } from "../src/api/context.ts";
import { sameOrigin } from "../src/api/requestOrigin.ts";
import { SessionStore, SignInThrottle } from "../src/api/sessions.ts";
import { ROLES, UserStore, type Role } from "../src/api/users.ts";
import type { WarehouseProvider } from "../src/server/warehouseProvider.ts";
import { loadServerConfig } from "../src/server/config.ts";
import { ConfigError } from "../src/errors.ts";
import { FakeRuns, PASSWORD, buildTestApp, signIn, siteApp, smallOfficeWarehouse } from "./util/apiApp.ts";
import { tempDir } from "./util/exports.ts";
import { writeLinkedBuild } from "./util/siteLinks.ts";

let db: string;
let shared: ReturnType<typeof buildTestApp>;
const cookies = {} as Record<Role, string>;

beforeAll(async () => {
  db = await smallOfficeWarehouse();
  shared = buildTestApp(db);
  for (const role of ROLES) cookies[role] = await signIn(shared.app, role);
});
afterAll(() => shared.warehouse.close());

/** The connection of a client at this address, as @hono/node-server hands it to the app. */
const from = (address: string) => ({ incoming: { socket: { remoteAddress: address, remotePort: 40000, remoteFamily: "IPv4" } } });

type App = ReturnType<typeof createApp>;
const signInFrom = (app: App, address: string, identifiant: string, motDePasse: string) =>
  app.request(
    "/api/session",
    { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ identifiant, mot_de_passe: motDePasse }) },
    from(address),
  );

/** An app with its own clock and a sleep that records what it was asked to wait. */
function clockedApp() {
  let now = Date.parse("2026-12-01T09:00:00Z");
  const slept: number[] = [];
  const t = buildTestApp(db, { now: () => now, sleep: async (ms) => void slept.push(ms) });
  return { ...t, slept, advance: (ms: number) => (now += ms) };
}

describe("SignInThrottle", () => {
  it("makes one address wait on one account after 5 failures, 1 s then doubling, and only that pair", () => {
    let now = 0;
    const t = new SignInThrottle({ now: () => now });
    for (let i = 0; i < 5; i++) {
      expect(t.assess("10.0.0.1", "direction").refuseMs).toBe(0);
      t.fail("10.0.0.1", "direction");
    }
    expect(t.assess("10.0.0.1", "direction").refuseMs).toBe(1000);
    now += 1000;
    t.fail("10.0.0.1", "direction");
    expect(t.assess("10.0.0.1", "direction").refuseMs).toBe(2000);
    // Another address, or another account from this address: not refused.
    expect(t.assess("10.0.0.2", "direction").refuseMs).toBe(0);
    expect(t.assess("10.0.0.1", "admin").refuseMs).toBe(0);
    // The right password from that address (once its wait is over) starts the pair afresh.
    now += 2000;
    t.succeed("10.0.0.1", "direction");
    t.fail("10.0.0.1", "direction");
    expect(t.assess("10.0.0.1", "direction").refuseMs).toBe(0);
  });

  it("caps one address at 20 failures over all accounts in 15 min, whatever succeeds in between", () => {
    let now = 0;
    const t = new SignInThrottle({ now: () => now });
    for (let i = 0; i < 19; i++) t.fail("10.0.0.9", `compte-${i % 5}`);
    expect(t.assess("10.0.0.9", "autre").refuseMs).toBe(0);
    t.succeed("10.0.0.9", "admin"); // a success of another account resets nothing
    now += 60_000;
    t.fail("10.0.0.9", "compte-0");
    // The 20th failure: the address waits until the first one (at 0) leaves the window.
    expect(t.assess("10.0.0.9", "admin").refuseMs).toBe(15 * 60_000 - 60_000);
    expect(t.assess("10.0.0.10", "admin").refuseMs).toBe(0);
    now += 15 * 60_000 - 60_000;
    expect(t.assess("10.0.0.9", "admin").refuseMs).toBe(0);
  });

  it("never refuses an account attacked from many addresses: a delay of 250 ms doubling up to 2 s", () => {
    let now = 0;
    const t = new SignInThrottle({ now: () => now });
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      const v = t.assess(`10.1.0.${i}`, "direction");
      expect(v.refuseMs).toBe(0);
      delays.push(v.delayMs);
      t.fail(`10.1.0.${i}`, "direction");
    }
    expect(delays).toEqual([0, 0, 0, 0, 0, 250, 500, 1000, 2000, 2000, 2000, 2000]);
    expect(t.assess("10.1.0.200", "admin").delayMs).toBe(0); // another account is not slowed
    now += 15 * 60_000;
    expect(t.assess("10.1.0.200", "direction")).toEqual({ refuseMs: 0, delayMs: 0 });
  });

  it("forgets expired entries and holds at most maxEntries keys per table", () => {
    let now = 0;
    const t = new SignInThrottle({ now: () => now, maxEntries: 100 });
    for (let i = 0; i < 1000; i++) t.fail(`10.2.${i >> 8}.${i & 255}`, `compte-${i}`);
    expect(t.sizes).toEqual({ pairs: 100, addresses: 100, accounts: 100 });
    now += 16 * 60_000;
    t.assess("10.3.0.1", "x");
    expect(t.sizes).toEqual({ pairs: 0, addresses: 0, accounts: 0 });
  });
});

describe("SessionStore", () => {
  it("drops expired sessions and holds at most maxSessions, signing out the least recently used", () => {
    let now = 0;
    const s = new SessionStore(8 * 3600_000, () => now, 3);
    const [a, b, c] = [s.create("a", "direction"), s.create("b", "direction"), s.create("c", "direction")];
    expect(s.get(a)?.identifiant).toBe("a"); // a is now the most recently used
    s.create("d", "direction");
    expect(s.size).toBe(3);
    expect(s.get(b)).toBeNull();
    expect(s.get(a)?.identifiant).toBe("a");
    expect(s.get(c)?.identifiant).toBe("c");
    now += 9 * 3600_000;
    s.create("e", "direction");
    expect(s.size).toBe(1);
  });
});

describe("sign-in throttling through the API", () => {
  it("still signs the right password in after 11 failures from rotating addresses (no lock-out by a stranger)", async () => {
    const t = clockedApp();
    for (let i = 1; i <= 11; i++) expect((await signInFrom(t.app, `203.0.113.${i}`, "direction", "mauvais")).status).toBe(401);
    const res = await signInFrom(t.app, "198.51.100.7", "direction", PASSWORD);
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toMatch(/^oph_session=/);
    // From one of the attacking addresses too: each made one failure only.
    expect((await signInFrom(t.app, "203.0.113.3", "direction", PASSWORD)).status).toBe(200);
    t.warehouse.close();
  });

  it("slows that account's answers by at most 2 s, the right and a wrong password alike", async () => {
    const t = clockedApp();
    for (let i = 1; i <= 9; i++) await signInFrom(t.app, `203.0.113.${i}`, "recouvrement", "mauvais");
    t.slept.length = 0;
    expect((await signInFrom(t.app, "198.51.100.8", "recouvrement", PASSWORD)).status).toBe(200);
    expect((await signInFrom(t.app, "198.51.100.9", "recouvrement", "mauvais")).status).toBe(401);
    expect(t.slept).toEqual([2000, 2000]);
    t.warehouse.close();
  });

  it("counts the failures made while an attempt was delayed: past the address's cap, 429 after the delay", async () => {
    let duringDelay = () => undefined as void;
    const throttle = new SignInThrottle({ sleep: async () => duringDelay() });
    const app = createApp({
      warehouse: shared.warehouse,
      runs: new FakeRuns(),
      users: UserStore.onePerRole(PASSWORD),
      sessions: new SessionStore(),
      throttle,
      log: () => undefined,
    });
    for (let i = 1; i <= 6; i++) await signInFrom(app, `203.0.113.${i}`, "admin", "mauvais"); // admin's answers are now delayed
    // Attempts sent together from 192.0.2.77 fail while this one waits: 20 of them, the address's cap.
    duringDelay = () => {
      for (let i = 0; i < 20; i++) throttle.fail("192.0.2.77", `autre-${i}`);
    };
    const res = await signInFrom(app, "192.0.2.77", "admin", PASSWORD);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("answers 429 with Retry-After to the address that failed 5 times on an account, even with the right password", async () => {
    const t = clockedApp();
    for (let i = 0; i < 5; i++) expect((await signInFrom(t.app, "203.0.113.50", "communication", "mauvais")).status).toBe(401);
    const refused = await signInFrom(t.app, "203.0.113.50", "communication", PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect((await refused.json()).erreur).toMatch(/^Trop d'essais de connexion manqués depuis votre poste : réessayez dans 1 s\.$/);
    t.advance(1000);
    expect((await signInFrom(t.app, "203.0.113.50", "communication", PASSWORD)).status).toBe(200);
    t.warehouse.close();
  });

  it("caps an address over all accounts, and signing another account in from it does not reset the cap", async () => {
    const t = clockedApp();
    const statuses: number[] = [];
    for (let i = 0; i < 19; i++) statuses.push((await signInFrom(t.app, "203.0.113.60", `inconnu-${i % 4}`, "x")).status);
    statuses.push((await signInFrom(t.app, "203.0.113.60", "admin", PASSWORD)).status);
    statuses.push((await signInFrom(t.app, "203.0.113.60", "inconnu-9", "x")).status);
    statuses.push((await signInFrom(t.app, "203.0.113.60", "direction", PASSWORD)).status);
    expect(statuses).toEqual([...Array(19).fill(401), 200, 401, 429]);
    expect((await signInFrom(t.app, "203.0.113.61", "direction", PASSWORD)).status).toBe(200);
    t.warehouse.close();
  });

  it("ends the session on the server at sign-out: the old cookie then gets 401", async () => {
    const cookie = await signIn(shared.app, "recouvrement");
    expect((await shared.app.request("/api/cases", { headers: { Cookie: cookie } })).status).toBe(200);
    const out = await shared.app.request("/api/session", { method: "DELETE", headers: { Cookie: cookie } });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/^oph_session=;/);
    const after = await shared.app.request("/api/cases", { headers: { Cookie: cookie } });
    expect(after.status).toBe(401);
  });
});

describe("cache headers", () => {
  const ANSWERS: Array<{ method?: string; path: string; body?: string; type?: string }> = [
    { path: "/api/cases" },
    { path: "/api/cases?format=csv" },
    { path: "/api/cases/B0001" },
    { path: "/api/cases/B9999" },
    { path: "/api/cases?taille=0" },
    { path: "/api/figures?annee=2024" },
    { path: "/api/series?indicateur=taux_impayes" },
    { path: "/api/funnel?annee=2024" },
    { path: "/api/runs" },
    { path: "/api/session" },
    { path: "/api/openapi.json" },
    { path: "/api/docs" },
    { path: "/api/inconnue" },
    { path: "/health" },
    { path: "/connexion" },
    { path: "/page-absente" },
    { method: "POST", path: "/connexion", body: "identifiant=x&mot_de_passe=y", type: "application/x-www-form-urlencoded" },
    { method: "POST", path: "/api/session", body: "{}", type: "application/json" },
  ];
  for (const who of [...ROLES, null] as const) {
    it(`marks every non-static answer no-store and Vary: Cookie (${who ?? "no session"})`, async () => {
      for (const a of ANSWERS) {
        const res = await shared.app.request(a.path, {
          method: a.method ?? "GET",
          headers: { ...(who ? { Cookie: cookies[who] } : {}), ...(a.type ? { "Content-Type": a.type, Origin: "http://localhost" } : {}) },
          body: a.body,
        });
        expect(res.headers.get("cache-control"), `${a.path} → ${res.status}`).toBe("no-store");
        expect(res.headers.get("vary"), `${a.path} → ${res.status}`).toMatch(/\bCookie\b/);
      }
    });
  }

  it("keeps the site files' own caching (the same for every visitor)", async () => {
    const site = tempDir("oph-site-cache-");
    fs.mkdirSync(path.join(site, "_observablehq"));
    fs.writeFileSync(path.join(site, "index.html"), "<p>accueil</p>");
    fs.writeFileSync(path.join(site, "_observablehq", "client.abc123.js"), "export {};");
    const app = siteApp(shared.warehouse as WarehouseProvider, site);
    const page = await app.request("/", { headers: { Cookie: cookies.admin } });
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-cache");
    const asset = await app.request("/_observablehq/client.abc123.js");
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  });
});

describe("Host check (DNS rebinding)", () => {
  it("refuses POST /connexion sent to another name, with no session given", async () => {
    const res = await shared.app.request("http://evil.example/connexion", {
      method: "POST",
      headers: { Host: "evil.example", Origin: "http://evil.example", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ identifiant: "admin", mot_de_passe: PASSWORD }),
    });
    expect(res.status).toBe(421);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect((await res.json()).erreur).toMatch(/^Nom d'hôte « evil\.example » inconnu de ce serveur : .* ALLOWED_HOSTS\.$/);
  });

  it("refuses POST /api/session and any GET sent to another name, whatever the port", async () => {
    const post = await shared.app.request("/api/session", {
      method: "POST",
      headers: { Host: "evil.example:3000", Origin: "http://evil.example:3000", "Content-Type": "application/json" },
      body: JSON.stringify({ identifiant: "admin", mot_de_passe: PASSWORD }),
    });
    expect(post.status).toBe(421);
    expect(post.headers.get("set-cookie")).toBeNull();
    const get = await shared.app.request("/api/figures?annee=2024", { headers: { Host: "evil.example", Cookie: cookies.direction } });
    expect(get.status).toBe(421);
  });

  it("answers the loopback names on any port, and only the configured names when given", async () => {
    for (const host of ["localhost:3000", "127.0.0.1:8080", "[::1]:3000", "LOCALHOST"]) {
      expect((await shared.app.request("/health", { headers: { Host: host } })).status, host).toBe(200);
    }
    const t = buildTestApp(db, { allowedHosts: ["observatoire.oph.local"] });
    expect((await t.app.request("/health", { headers: { Host: "observatoire.oph.local:3000" } })).status).toBe(200);
    expect((await t.app.request("/health", { headers: { Host: "localhost:3000" } })).status).toBe(421);
    t.warehouse.close();
  });
});

describe("Origin check on every state-changing request", () => {
  it("refuses a cross-origin JSON POST /api/runs from an admin, and starts nothing", async () => {
    const runs = new FakeRuns();
    const t = buildTestApp(db, { runs });
    const admin = await signIn(t.app, "admin");
    const res = await t.app.request("/api/runs", {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: "http://evil.example", Cookie: admin },
    });
    expect(res.status).toBe(403);
    expect((await res.json()).erreur).toMatch(
      /^Requête refusée : elle vient d'une page d'une autre origine \(« http:\/\/evil\.example »\)/,
    );
    expect(runs.started).toEqual([]);
    t.warehouse.close();
  });

  it("refuses a cross-origin sign-out, which leaves the session open", async () => {
    const cookie = await signIn(shared.app, "direction");
    const res = await shared.app.request("/api/session", { method: "DELETE", headers: { Origin: "http://evil.example", Cookie: cookie } });
    expect(res.status).toBe(403);
    expect((await shared.app.request("/api/runs", { headers: { Cookie: cookie } })).status).toBe(200);
  });

  it("accepts the same origin, and no Origin only when no browser marked the request cross-site", async () => {
    const runs = new FakeRuns();
    const t = buildTestApp(db, { runs });
    const admin = await signIn(t.app, "admin");
    const post = (headers: Record<string, string>) =>
      t.app.request("/api/runs", { method: "POST", headers: { "Content-Type": "application/json", Cookie: admin, ...headers } });
    expect((await post({ Origin: "http://localhost" })).status).toBe(202);
    expect((await post({ Host: "localhost:3000", Origin: "http://localhost:3000" })).status).toBe(202);
    expect((await post({})).status).toBe(202); // curl: neither Origin nor Sec-Fetch-Site
    expect((await post({ "Sec-Fetch-Site": "same-origin" })).status).toBe(202);
    const refused: Array<Record<string, string>> = [
      { "Sec-Fetch-Site": "cross-site" },
      { "Sec-Fetch-Site": "same-site" },
      { Origin: "null" },
      { Host: "localhost:3000", Origin: "http://localhost:4000" },
      { Origin: "http://127.0.0.1" }, // an allowed name, but not the Host the request was sent to
      { Origin: "file://" },
    ];
    for (const headers of refused) {
      const res = await post(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect((await res.json()).erreur, JSON.stringify(headers)).toMatch(/^Requête refusée : .*autre origine/);
    }
    expect(runs.started).toEqual(["api", "api", "api", "api"]);
    t.warehouse.close();
  });

  it("compares name and port, a Host without a port being the Origin's default port", () => {
    const allowed = ["localhost", "obs.example"];
    expect(sameOrigin("https://obs.example", "obs.example", allowed)).toBe(true);
    expect(sameOrigin("https://obs.example", "obs.example:443", allowed)).toBe(true);
    expect(sameOrigin("http://obs.example", "obs.example:443", allowed)).toBe(false);
    expect(sameOrigin("http://obs.example.evil.example", "obs.example", allowed)).toBe(false);
  });
});

/** Runs whose latest is a failure naming a file, a line and a column. */
class FailedRuns implements RunStarter {
  async start() {
    return { depuis: "2026-11-27T02:30:00.000Z" };
  }
  status(): RunStatus {
    return {
      en_cours: null,
      derniers: [
        {
          run_id: "r-42",
          debut: "2099-01-01T02:30:00",
          fin: "2099-01-01T02:31:00",
          statut: "échec",
          message: "baux_20250301.csv, ligne 1, colonne num_logement : colonne absente",
          fichiers: [],
        },
      ],
    };
  }
}

describe("GET /health", () => {
  it("tells the public the status and dates only, and a signed-in user the failure's file, line and column", async () => {
    const t = buildTestApp(db, { runs: new FailedRuns() });
    const pub = await t.app.request("/health");
    const text = await pub.text();
    expect(JSON.parse(text)).toMatchObject({
      statut: "dégradé",
      entrepot_publie: true,
      donnees_jusqu_au: "2025-01-02",
      chargement_en_cours: false,
      dernier_echec: { fin: "2099-01-01T02:31:00" },
    });
    expect(Object.keys(JSON.parse(text)).sort()).toEqual([
      "chargement_en_cours",
      "dernier_chargement_reussi",
      "dernier_echec",
      "donnees_jusqu_au",
      "entrepot_publie",
      "statut",
    ]);
    expect(Object.keys(JSON.parse(text).dernier_echec)).toEqual(["fin"]);
    expect(text).not.toMatch(/baux_20250301|ligne|colonne|r-42/);
    const cookie = await signIn(t.app, "communication");
    const signedIn = await (await t.app.request("/health", { headers: { Cookie: cookie } })).json();
    expect(signedIn.dernier_echec).toEqual({
      run_id: "r-42",
      fin: "2099-01-01T02:31:00",
      message: "baux_20250301.csv, ligne 1, colonne num_logement : colonne absente",
    });
    t.warehouse.close();
  });
});

describe("static site: symbolic links", () => {
  it("serves the build's files through the current link, and refuses every link below it (404)", async () => {
    const links = writeLinkedBuild(tempDir("oph-site-links-"));
    const app = siteApp(shared.warehouse as WarehouseProvider, links.current);
    for (const [p, content] of Object.entries(links.served)) expect(await (await app.request(p)).text(), p).toBe(content);
    for (const p of links.refused) {
      const res = await app.request(p);
      expect(res.status, p).toBe(404);
      expect(await res.text(), p).not.toMatch(links.leak);
    }
  });
});

describe("Content-Security-Policy and HSTS", () => {
  const sha = (s: string) => `'sha256-${crypto.createHash("sha256").update(s).digest("base64")}'`;

  it("allows a page exactly its own inline scripts and handlers by hash, never 'unsafe-inline'", async () => {
    const site = tempDir("oph-site-csp-");
    const inline = `import {x} from "/_observablehq/client.js";\nx();`;
    fs.writeFileSync(
      path.join(site, "index.html"),
      `<!doctype html><script type="module">${inline}</script><script src="/_observablehq/a.js"></script><script>{const a=1}</script><button onclick="window.print()">Imprimer</button>`,
    );
    fs.writeFileSync(path.join(site, "sans.html"), `<p>sans script</p>`);
    const app = siteApp(shared.warehouse as WarehouseProvider, site);
    const policy = (await app.request("/")).headers.get("content-security-policy")!;
    const scriptSrc = (policy: string) => /script-src ([^;]+)/.exec(policy)![1]!.split(" ").sort();
    const htl = HTL_PLACEHOLDER_HASHES.map((h) => `'${h}'`);
    expect(scriptSrc(policy)).toEqual(
      ["'self'", "'report-sample'", "'unsafe-hashes'", sha(inline), sha("{const a=1}"), sha("window.print()"), ...htl].sort(),
    );
    expect(policy).toMatch(/^default-src 'self'; /);
    expect(scriptSrc((await app.request("/sans")).headers.get("content-security-policy")!)).toEqual(
      ["'self'", "'report-sample'", "'unsafe-hashes'", ...htl].sort(),
    );
    // A new version of the page (the nightly build) gets its own hashes, not the kept ones.
    fs.writeFileSync(path.join(site, "index.html"), `<script>autre()</script>`);
    fs.utimesSync(path.join(site, "index.html"), new Date(), new Date(Date.now() + 5000));
    const renewed = scriptSrc((await app.request("/")).headers.get("content-security-policy")!);
    expect(renewed).toContain(sha("autre()"));
    expect(renewed).not.toContain(sha(inline));
  });

  it('allows as handler code only htl\'s placeholders "::0" to "::23", which cannot run', () => {
    expect(HTL_PLACEHOLDER_HASHES).toHaveLength(24);
    expect(HTL_PLACEHOLDER_HASHES[2]).toBe(sha("::2").slice(1, -1));
  });

  it("gives API answers, the sign-in page and the API reference a policy with scripts from files only", async () => {
    for (const p of ["/api/docs", "/connexion", "/health", "/api/cases"]) {
      const policy = (await shared.app.request(p)).headers.get("content-security-policy")!;
      expect(/script-src ([^;]+)/.exec(policy)![1], p).toBe("'self' 'report-sample'");
      expect(policy, p).toContain("frame-ancestors 'none'");
    }
    // Neither page has an inline script to allow.
    for (const p of ["/api/docs", "/connexion"])
      expect(inlineCodeHashes(await (await shared.app.request(p)).text())).toEqual({ scripts: [], handlers: [] });
  });

  it("hashes a script's text as the browser does (CR LF read as LF) and a handler after decoding references", () => {
    expect(inlineCodeHashes("<script>a();\r\nb();</script>").scripts).toEqual([sha("a();\nb();").slice(1, -1)]);
    expect(inlineCodeHashes(`<a onclick="f(&quot;x&quot;)">`).handlers).toEqual([sha('f("x")').slice(1, -1)]);
    expect(policyHeader()).not.toContain("unsafe-hashes");
  });

  it("sends Referrer-Policy same-origin, so that a browser's form post carries this origin, not null", async () => {
    expect((await shared.app.request("/connexion")).headers.get("referrer-policy")).toBe("same-origin");
  });

  it("sends HSTS only when the server is reached over HTTPS", async () => {
    expect((await shared.app.request("/health")).headers.get("strict-transport-security")).toBeNull();
    const t = buildTestApp(db, { secureCookies: true });
    expect((await t.app.request("/health")).headers.get("strict-transport-security")).toBe("max-age=15552000; includeSubDomains");
    t.warehouse.close();
  });
});

describe("server configuration: ALLOWED_HOSTS", () => {
  it("defaults to HOST and the loopback names", () => {
    expect(loadServerConfig({ HOST: "observatoire.oph.local" }).ALLOWED_HOSTS).toEqual([
      "observatoire.oph.local",
      "localhost",
      "127.0.0.1",
      "::1",
    ]);
    expect(loadServerConfig({}).ALLOWED_HOSTS).toEqual(["127.0.0.1", "localhost", "::1"]);
    expect(loadServerConfig({ HOST: "0.0.0.0", ALLOWED_HOSTS: "Obs.Example, 10.0.0.12 ,[::1]" }).ALLOWED_HOSTS).toEqual([
      "obs.example",
      "10.0.0.12",
      "::1",
    ]);
  });

  it("refuses to start on every interface without ALLOWED_HOSTS, and a malformed list, saying what to do", () => {
    for (const HOST of ["0.0.0.0", "::"]) {
      expect(() => loadServerConfig({ HOST })).toThrow(ConfigError);
      expect(() => loadServerConfig({ HOST })).toThrow(/indiquez dans ALLOWED_HOSTS les noms par lesquels on ouvre l'Observatoire/);
    }
    expect(() => loadServerConfig({ ALLOWED_HOSTS: "http://obs.example/" })).toThrow(
      /ALLOWED_HOSTS invalide : « http:\/\/obs\.example\/ »/,
    );
    expect(() => loadServerConfig({ ALLOWED_HOSTS: " , " })).toThrow(/ALLOWED_HOSTS invalide : liste vide/);
  });
});
