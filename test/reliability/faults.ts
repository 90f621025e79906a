/**
 * Faults: the ETL killed (SIGKILL) at every fault point, writes that fail (read-only
 * folder, full file system), requests during a publication, two runs at once, and the
 * clean-up after a crash. Each function returns lines of the summary table.
 */
import fs from "node:fs";
import path from "node:path";
import { UserStore } from "../../src/api/users.ts";
import { RunLockedError } from "../../src/errors.ts";
import { loadModels } from "../../src/etl/models.ts";
import { runEtl } from "../../src/etl/runEtl.ts";
import { rawDir, rawLayerBytes } from "../../src/etl/rawLayer.ts";
import { createProductApp } from "../../src/server/productApp.ts";
import { RunController } from "../../src/server/runController.ts";
import { WarehouseProvider } from "../../src/server/warehouseProvider.ts";
import { buildFakeSite } from "./fakeSite.ts";
import { figuresSnapshot, leftovers, sha256, writeOffice } from "./office.ts";
import { PASSWORD, signIn } from "../util/apiApp.ts";
import { HEADERS, tempDir, writeExport } from "../util/exports.ts";
import { listenOnLoopback } from "../util/productServer.ts";
import { officeArgs, runChild, shellQuote } from "./process.ts";
import { line, type CheckLine } from "./table.ts";

const FAMILY = "Pannes";
const quiet = () => undefined;

/** Every fault point the ETL passes on a run that loads one new file. */
export function allKillPoints(): string[] {
  return [
    "after-copy",
    "after-decode",
    "after-load-file",
    "before-models",
    ...loadModels().map((m) => `after-model:${m.name}`),
    "after-invariants",
    "before-publish",
    "after-publish",
  ];
}

/** A spread over decoding, loading, marts, metrics, invariants and publication, for `npm test`. */
export const FAST_KILL_POINTS = [
  "after-copy",
  "after-decode",
  "after-model:int_lease_positions",
  "after-invariants",
  "before-publish",
  "after-publish",
];

interface Office {
  dir: string;
  exportsDir: string;
  db: string;
  sitesDir: string;
}

function newOffice(): Office {
  const dir = tempDir("oph-fiab-");
  const o = { dir, exportsDir: path.join(dir, "exports"), db: path.join(dir, "w.duckdb"), sitesDir: path.join(dir, "site") };
  writeOffice(o.exportsDir);
  fs.mkdirSync(o.sitesDir);
  return o;
}

function controller(o: Office, pauseMs = 0, log: (l: string) => void = quiet) {
  const warehouse = new WarehouseProvider(o.db);
  const runs = new RunController({
    exportsDir: o.exportsDir,
    dbPath: o.db,
    sitesDir: o.sitesDir,
    warehouse,
    buildSite: (wh, out) => buildFakeSite(wh, out, pauseMs),
    log,
  });
  return { warehouse, runs };
}

/** Run once in this process as the server does; throws when the run failed. */
async function nightly(o: Office): Promise<void> {
  const { warehouse, runs } = controller(o);
  try {
    await runs.runNow("cli");
    const last = runs.status().derniers[0];
    if (last?.statut !== "succès") throw new Error(`chargement en échec : ${last?.message}`);
  } finally {
    warehouse.close();
  }
}

function siteIndex(o: Office): { build: string | null; bytes: string | null } {
  try {
    const target = fs.realpathSync(path.join(o.sitesDir, "current"));
    return { build: path.basename(target), bytes: fs.readFileSync(path.join(target, "index.html"), "utf8") };
  } catch {
    return { build: null, bytes: null };
  }
}

function copyOffice(from: Office): Office {
  const dir = tempDir("oph-fiab-");
  // preserveTimestamps: the exports stay as old as they were (the ETL's stability delay, etl/inbox.ts)
  fs.cpSync(from.dir, dir, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  return { dir, exportsDir: path.join(dir, "exports"), db: path.join(dir, "w.duckdb"), sitesDir: path.join(dir, "site") };
}

const addFile = (o: Office, name = "ecritures_20250102.csv", id = "K1", amount = "80,00") =>
  writeExport(o.exportsDir, name, HEADERS.ecritures, [[id, "B0002", "15/06/2024", "06/2024", "FRP", "Frais", amount, "", ""]]);

/**
 * SIGKILL a nightly run (its own process: ETL, site build, swap) at each point. Each time:
 * the published warehouse is byte for byte the previous one (before publication) or the
 * complete new one (after), its figures (every year, landlord and each sector) are the
 * previous ones, the site served is the previous build byte for byte, and the next start
 * succeeds, publishes the new figures and leaves nothing of the killed run behind.
 */
export async function killCampaign(points: string[], log: (l: string) => void = quiet): Promise<CheckLine[]> {
  const base = newOffice();
  await nightly(base);
  const w0 = sha256(base.db);
  const f0 = await figuresSnapshot(base.db);
  const s0 = siteIndex(base);
  addFile(base);
  const ref = copyOffice(base);
  await nightly(ref);
  const f1 = await figuresSnapshot(ref.db);
  const s1 = siteIndex(ref);
  if (f1 === f0) throw new Error("le fichier ajouté ne change aucun chiffre : la vérification ne prouverait rien");

  const killed: Array<string | null> = [];
  const intact: Array<string | null> = [];
  const next: Array<string | null> = [];
  for (const point of points) {
    const o = copyOffice(base);
    const child = await runChild(["test/reliability/nightlyChild.ts", ...officeArgs(o)], {
      env: { ETL_KILL_AT: point },
    });
    killed.push(
      child.signal === "SIGKILL" ? null : `${point} : pas tué (code ${child.code}, ${child.stdout.trim()} ${child.stderr.slice(-300)})`,
    );
    const problems: string[] = [];
    const published = point === "after-publish";
    if (!published && sha256(o.db) !== w0) problems.push("octets de l'entrepôt changés");
    const f = await figuresSnapshot(o.db);
    if (f !== (published ? f1 : f0)) problems.push(published ? "entrepôt publié incomplet" : "chiffres changés");
    const s = siteIndex(o);
    if (s.build !== s0.build || s.bytes !== s0.bytes) problems.push(`site servi changé (${s.build})`);
    intact.push(problems.length ? `${point} : ${problems.join(", ")}` : null);

    const problemsNext: string[] = [];
    try {
      await nightly(o);
      if ((await figuresSnapshot(o.db)) !== f1) problemsNext.push("chiffres du chargement suivant faux");
      if (siteIndex(o).bytes !== s1.bytes) problemsNext.push("site du chargement suivant faux");
      const left = leftovers(o.db);
      if (left.length) problemsNext.push(`restes : ${left.join(", ")}`);
      const served = siteIndex(o).build;
      const stray = fs.readdirSync(o.sitesDir).filter((d) => d !== "current" && d !== served && d !== s0.build);
      if (stray.length) problemsNext.push(`restes du site : ${stray.join(", ")}`);
    } catch (e) {
      problemsNext.push(`chargement suivant en échec : ${(e as Error).message}`);
    }
    next.push(problemsNext.length ? `${point} : ${problemsNext.join(", ")}` : null);
    log(`[pannes] ${point} : ${killed.at(-1) ?? "tué"} ; ${intact.at(-1) ?? "intact"} ; ${next.at(-1) ?? "suivant ok"}`);
    fs.rmSync(o.dir, { recursive: true, force: true });
  }
  fs.rmSync(ref.dir, { recursive: true, force: true });
  fs.rmSync(base.dir, { recursive: true, force: true });
  return [
    line(
      FAMILY,
      `SIGKILL du chargement nocturne à ${points.length} points (décodage, chargement, modèles, invariants, publication)`,
      killed,
    ),
    line(
      FAMILY,
      "après SIGKILL : entrepôt publié et site servis identiques octet pour octet (chiffres de chaque année et secteur)",
      intact,
    ),
    line(FAMILY, "après SIGKILL : le démarrage suivant réussit, publie les nouveaux chiffres et nettoie les restes", next),
  ];
}

/** Can this process make a private mount namespace and mount in it (root with `unshare`)? */
export async function mountNamespaceAvailable(): Promise<string | null> {
  const dir = tempDir("oph-fiab-");
  const r = await runChild([`unshare -m --propagation private sh -c ${shellQuote(`mount -t tmpfs -o size=1m tmpfs ${dir}`)}`], {
    shell: true,
    timeoutMs: 10_000,
  });
  fs.rmSync(dir, { recursive: true, force: true });
  return r.code === 0 ? null : `unshare/mount impossibles ici (${r.stderr.trim().slice(0, 120)}) : il faut être root avec CAP_SYS_ADMIN`;
}

interface ChildVerdict {
  ok: boolean;
  name?: string;
  message?: string;
  avant: { sha256: string | null; figures: string | null };
  apres: { sha256: string | null; figures: string | null; restes: string[] };
}

/**
 * A write that fails: the warehouse folder mounted read-only, and a full file system
 * (tmpfs of a few sizes), each inside a private mount namespace (`unshare -m`) so that
 * nothing outside the check sees the mount. chmod would not do: the checks run as root,
 * which ignores permission bits; a read-only mount stops root too.
 */
export async function failingWrites(log: (l: string) => void = quiet): Promise<CheckLine[]> {
  const why = await mountNamespaceAvailable();
  if (why)
    return [{ famille: FAMILY, essai: "écriture impossible (dossier en lecture seule, disque plein)", fois: 0, tenus: 0, nonExecute: why }];
  const base = newOffice();
  await runEtl({ exportsDir: base.exportsDir, dbPath: base.db, log: quiet });
  addFile(base);
  // The warehouse is the DuckDB file, its run journal and its raw layer (`<db>.raw/`,
  // immutable Parquet that a nightly run adds to and never copies aside).
  const size = fs.statSync(base.db).size;
  const rawSize = rawLayerBytes(base.db);
  const copyWarehouse = (d: string) =>
    `cp ${shellQuote(base.db)} ${shellQuote(base.db + ".runs.jsonl")} ${d}/ && cp -R ${shellQuote(rawDir(base.db))} ${shellQuote(rawDir(`${d}/w.duckdb`))}`;
  const node = shellQuote(process.execPath);
  const childArgs = (db: string) =>
    `${node} --import tsx test/reliability/nightlyChild.ts --verifier --sans-site --exports ${shellQuote(base.exportsDir)} --db ${shellQuote(db)}`;
  const cases: Array<{ essai: string; script: (d: string) => string }> = [
    {
      essai: "dossier de l'entrepôt en lecture seule (mount --bind, remount ro)",
      script: (d) => `${copyWarehouse(d)} && mount --bind ${d} ${d} && mount -o remount,bind,ro ${d} && ${childArgs(`${d}/w.duckdb`)}`,
    },
    ...[
      ["disque plein dès la copie de l'entrepôt", size + rawSize + 256 * 1024],
      ["disque plein : place pour la copie, 256 Kio de plus", 2 * size + rawSize + 256 * 1024],
      ["disque plein : place pour la copie, 1 Mio de plus", 2 * size + rawSize + 1024 * 1024],
    ].map(([essai, bytes]) => ({
      essai: `${essai} (tmpfs de ${Math.round(Number(bytes) / 1024)} Kio)`,
      script: (d: string) =>
        `mount -t tmpfs -o size=${Math.ceil(Number(bytes) / 1024)}k tmpfs ${d} && ${copyWarehouse(d)} && ${childArgs(`${d}/w.duckdb`)}`,
    })),
  ];
  const out: CheckLine[] = [];
  for (const c of cases) {
    const d = tempDir("oph-fiab-mnt-");
    const r = await runChild([`unshare -m --propagation private sh -c ${shellQuote(c.script(d))}`], { shell: true, timeoutMs: 120_000 });
    let v: ChildVerdict | null = null;
    try {
      v = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "") as ChildVerdict;
    } catch {
      v = null;
    }
    const problems: string[] = [];
    if (!v) problems.push(`pas de verdict (code ${r.code}) : ${r.stderr.slice(-300)}`);
    else {
      if (v.ok) problems.push("le chargement a réussi : l'écriture n'a pas échoué (taille à revoir)");
      else if (!/(EROFS|ENOSPC|lecture seule|read-only|no space|plein|IO Error|disk)/i.test(v.message ?? ""))
        problems.push(`message peu clair : ${v.message}`);
      if (v.avant.sha256 !== v.apres.sha256) problems.push("entrepôt publié modifié");
      if (v.avant.figures !== v.apres.figures) problems.push("chiffres modifiés");
      if (v.apres.restes.length) problems.push(`restes : ${v.apres.restes.join(", ")}`);
    }
    const verdict = problems.length ? problems.join(" ; ") : null;
    log(`[pannes] ${c.essai} : ${v?.name ?? "?"} « ${(v?.message ?? "").slice(0, 200)} » → ${verdict ?? "tenu"}`);
    out.push(line(FAMILY, c.essai, [verdict], v?.message ? [`erreur : ${v.name} : ${v.message.slice(0, 240)}`] : []));
    fs.rmSync(d, { recursive: true, force: true });
  }
  fs.rmSync(base.dir, { recursive: true, force: true });
  return out;
}

function testApp(o: Office, runs: RunController, warehouse: WarehouseProvider) {
  return createProductApp({ warehouse, runs, users: UserStore.onePerRole(PASSWORD), log: quiet });
}

const waitFor = async (cond: () => boolean, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("attente dépassée");
    await new Promise((r) => setTimeout(r, 20));
  }
};

/**
 * Two runs asked at once, from the schedule, the API and a CLI process, in both directions
 * (a run of this server holds the lock; a run of another process holds it): exactly one
 * runs, every other is refused with a message saying a run is already in progress.
 */
export async function concurrentRuns(log: (l: string) => void = quiet): Promise<CheckLine[]> {
  const outcomes: Array<string | null> = [];
  const expectRefusal = (what: string, ok: boolean, detail: string) => {
    outcomes.push(ok ? null : `${what} : ${detail}`);
    log(`[pannes] ${what} : ${ok ? "refusé" : "NON REFUSÉ"} (${detail.slice(0, 160)})`);
  };
  const postRun = (app: ReturnType<typeof testApp>, cookie: string) =>
    app.request("/api/runs", { method: "POST", headers: { "Content-Type": "application/json", Cookie: cookie } });
  /** POST /api/runs while a run holds the lock: refused with 409 and the lock's message. */
  const expectApiRefusal = async (what: string, app: ReturnType<typeof testApp>, cookie: string) => {
    const res = await postRun(app, cookie);
    const body = (await res.json()) as { erreur?: string };
    expectRefusal(what, res.status === 409 && /déjà en cours/.test(body.erreur ?? ""), `${res.status} ${body.erreur}`);
  };
  /** `npm run etl` (another process) while a run holds the lock: exits with 1 and a message matching `message`. */
  const expectCliRefusal = async (what: string, o: Office, message: RegExp) => {
    const cli = await runChild(["src/cli/etl.ts", "--exports", o.exportsDir, "--db", o.db], { timeoutMs: 60_000 });
    expectRefusal(what, cli.code === 1 && message.test(cli.stderr), `code ${cli.code} ${cli.stderr.trim()}`);
  };

  // 1. This server's run (started by the API) holds the lock.
  {
    const o = newOffice();
    await nightly(o);
    addFile(o);
    const logs: string[] = [];
    const { warehouse, runs } = controller(o, 4000, (l) => logs.push(l));
    const app = testApp(o, runs, warehouse);
    const admin = await signIn(app, "admin");
    const first = await postRun(app, admin);
    outcomes.push(first.status === 202 ? null : `premier POST /api/runs : ${first.status}`);
    const e = await runs.start("planification").catch((err: unknown) => err);
    expectRefusal(
      "planification pendant un chargement lancé par l'API",
      e instanceof RunLockedError && /déjà en cours/.test((e as Error).message),
      String(e),
    );
    await expectApiRefusal("POST /api/runs pendant un chargement", app, admin);
    await expectCliRefusal(
      "npm run etl (autre processus) pendant un chargement du serveur",
      o,
      /Un chargement est déjà en cours \(processus \d+/,
    );
    // The cron task, firing every second while the run goes on.
    runs.schedule("* * * * * *", "Europe/Paris");
    await new Promise((r) => setTimeout(r, 2500));
    runs.stopSchedule();
    const cron = logs.filter((l) => /chargement planifié non lancé : Un chargement est déjà en cours/.test(l));
    expectRefusal("tâche planifiée (cron) pendant un chargement", cron.length > 0, `${cron.length} refus journalisé(s)`);
    await runs.inProgress;
    const journal = runs.status().derniers;
    outcomes.push(
      journal[0]?.statut === "succès" && journal.filter((r) => r.statut === "succès").length === 2
        ? null
        : `un seul chargement devait aboutir : ${JSON.stringify(journal.map((r) => r.statut))}`,
    );
    warehouse.close();
    fs.rmSync(o.dir, { recursive: true, force: true });
  }

  // 2. Another process (a nightly run of its own) holds the lock.
  {
    const o = newOffice();
    await nightly(o);
    addFile(o);
    const child = runChild(["test/reliability/nightlyChild.ts", ...officeArgs(o), "--pause-ms", "5000"]);
    await waitFor(() => fs.existsSync(`${o.db}.lock`));
    const { warehouse, runs } = controller(o);
    const app = testApp(o, runs, warehouse);
    const e = await runs.start("planification").catch((err: unknown) => err);
    expectRefusal(
      "planification du serveur pendant le chargement d'un autre processus",
      e instanceof RunLockedError && /processus \d+/.test((e as Error).message),
      String(e),
    );
    const admin = await signIn(app, "admin");
    await expectApiRefusal("POST /api/runs pendant le chargement d'un autre processus", app, admin);
    await expectCliRefusal("npm run etl pendant le chargement d'un autre processus", o, /déjà en cours/);
    const done = await child;
    outcomes.push(/"ok":true/.test(done.stdout) ? null : `le chargement qui tenait le verrou a échoué : ${done.stdout}`);
    warehouse.close();
    fs.rmSync(o.dir, { recursive: true, force: true });
  }
  return [
    line(FAMILY, "deux chargements demandés en même temps (planification, API, CLI) : un tourne, l'autre est refusé clairement", outcomes),
  ];
}

/**
 * What a crash leaves (a lock whose process died, an empty lock file cut by the crash,
 * a half-written copy and its WAL and temporary folder, a site build never swapped in, a
 * half-made link): the next start removes it and succeeds.
 */
export async function crashLeftovers(log: (l: string) => void = quiet): Promise<CheckLine[]> {
  const scenarios: Array<[string, (o: Office) => void]> = [
    [
      "verrou d'un processus mort",
      (o) => fs.writeFileSync(`${o.db}.lock`, JSON.stringify({ pid: 2 ** 22 + 12345, depuis: "2025-01-01T02:30:00Z" })),
    ],
    ["verrou vide (processus tué pendant son écriture)", (o) => fs.writeFileSync(`${o.db}.lock`, "")],
    [
      "copie, WAL et dossier temporaire d'un chargement tué",
      (o) => {
        fs.copyFileSync(o.db, `${o.db}.building-20250101T023000-dead00`);
        fs.writeFileSync(`${o.db}.building-20250101T023000-dead00.wal`, "x");
        fs.mkdirSync(`${o.db}.building-20250101T023000-dead00.tmp`);
        fs.writeFileSync(`${o.db}.building-20250101T023000-dead00.tmp/baux.normalised.csv`, "x");
      },
    ],
    [
      "site construit mais jamais publié, lien à moitié fait",
      (o) => {
        fs.mkdirSync(path.join(o.sitesDir, `site-${Date.now() + 1000}`));
        fs.symlinkSync("nulle-part", path.join(o.sitesDir, "current.999999.tmp"));
      },
    ],
  ];
  const outcomes: Array<string | null> = [];
  for (const [what, leave] of scenarios) {
    const o = newOffice();
    await nightly(o);
    const served = siteIndex(o).build;
    leave(o);
    addFile(o);
    let problem: string | null = null;
    try {
      await nightly(o);
      const left = leftovers(o.db);
      const newServed = siteIndex(o).build;
      const stray = fs.readdirSync(o.sitesDir).filter((d) => d !== "current" && d !== newServed && d !== served);
      if (left.length || stray.length) problem = `${what} : restes ${[...left, ...stray].join(", ")}`;
    } catch (e) {
      problem = `${what} : démarrage suivant en échec : ${(e as Error).message}`;
    }
    log(`[pannes] ${what} : ${problem ?? "nettoyé"}`);
    outcomes.push(problem);
    fs.rmSync(o.dir, { recursive: true, force: true });
  }
  return [line(FAMILY, "après un crash, le démarrage suivant nettoie ce que le chargement tué a laissé", outcomes)];
}

/**
 * Requests to the real HTTP server (site and API) from several clients at once while
 * nightly runs publish and swap: no error, and every answer is exactly one published
 * state's answer (compared whole with the answers of each state, taken at rest).
 */
export async function requestsDuringSwaps(swaps = 3, log: (l: string) => void = quiet): Promise<CheckLine[]> {
  const o = newOffice();
  const { warehouse, runs } = controller(o, 300);
  await runs.runNow("cli");
  const app = testApp(o, runs, warehouse);
  const { server, url } = await listenOnLoopback(app);
  const cookie = await signIn(app, "recouvrement");
  const paths = ["/api/figures?annee=2024", "/api/figures?annee=2024&secteur=S", "/api/cases", "/api/cases/B0002", "/"];
  const states = new Map<string, Set<string>>(paths.map((p) => [p, new Set()]));
  const snapshotState = async () => {
    for (const p of paths) states.get(p)!.add(await (await fetch(url + p, { headers: { Cookie: cookie } })).text());
  };
  await snapshotState();
  const seen: Array<{ path: string; status: number; body: string } | { path: string; error: string }> = [];
  let stop = false;
  const client = async (k: number) => {
    for (let i = 0; !stop; i++) {
      const p = paths[(i + k) % paths.length]!;
      try {
        const res = await fetch(url + p, { headers: { Cookie: cookie } });
        seen.push({ path: p, status: res.status, body: await res.text() });
      } catch (e) {
        seen.push({ path: p, error: (e as Error).message });
      }
    }
  };
  const clients = Array.from({ length: 8 }, (_, k) => client(k));
  for (let s = 1; s <= swaps; s++) {
    // Each run bills 1 000 € more on B0002 in June 2024: every figure of 2024 and the case change.
    writeExport(o.exportsDir, `ecritures_2025010${s}.csv`, HEADERS.ecritures, [
      [`SW${s}`, "B0002", "15/06/2024", "06/2024", "SLS", "Supplément de loyer de solidarité", "1 000,00", "", ""],
    ]);
    await runs.runNow("planification");
    await snapshotState();
  }
  stop = true;
  await Promise.all(clients);
  server.close();
  warehouse.close();
  const outcomes = seen.map((r) => {
    if ("error" in r) return `${r.path} : ${r.error}`;
    if (r.status !== 200) return `${r.path} : statut ${r.status}`;
    return states.get(r.path)!.has(r.body) ? null : `${r.path} : réponse mêlant deux états`;
  });
  const distinct = new Set(seen.map((r) => ("body" in r ? r.body : ""))).size;
  log(`[pannes] ${seen.length} requêtes pendant ${swaps} publications, ${distinct} réponses distinctes`);
  fs.rmSync(o.dir, { recursive: true, force: true });
  return [
    line(
      FAMILY,
      `requêtes HTTP (8 clients, site et API) pendant ${swaps} publications : aucune erreur, chaque réponse entièrement d'un état publié`,
      outcomes,
      [`${seen.length} requêtes, ${distinct} réponses distinctes sur ${paths.length} adresses × ${swaps + 1} états`],
    ),
  ];
}
