/**
 * npm run bench -- [--logements N] [--annees Y] [--json] [--dossier DIR] [--connexions C] [--duree S]
 *
 * The product at scale against the floor nothing can beat. Generates the demo office's
 * exports once (kept in data/bench/<N>-<Y>/exports and reused), then measures, each step in
 * its own process:
 *   (a) the floor: DuckDB reading the same files, after the same decoding, into plain tables;
 *   (b) the full ETL from an empty warehouse;
 *   (c) a nightly run with one more day of exports on top of (b);
 *   (d) the site build from that warehouse;
 *   (e) the API under load (autocannon) on /api/figures, /api/cases and one case, /health as reference.
 * Prints a table (French, like every other command), or one JSON object with --json.
 * Progress goes to stderr. Not part of npm test.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { cliOptions, runMain } from "../../src/cli/args.ts";
import { ownerOnlyUmask } from "../../src/ownerOnly.ts";
import { projectPath } from "../../src/paths.ts";
import { rawLayerBytes } from "../../src/etl/rawLayer.ts";
import { loadApi, type ApiLoadResult } from "./apiLoad.ts";
import { lastExportDate, writeNextDay } from "./nextDay.ts";
import { runStep, type ChildResult } from "./processes.ts";

const USAGE =
  "Usage : npm run bench -- [--logements N (100000)] [--annees A (10)] [--json] [--dossier DOSSIER] [--connexions C (50)] [--duree S (20)] [--verbeux]";

const GIB = 1024;

function machine() {
  const cpuinfo = fs.existsSync("/proc/cpuinfo") ? fs.readFileSync("/proc/cpuinfo", "utf8") : "";
  return {
    nproc: os.availableParallelism(),
    memoire_gio: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    cpu: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? "inconnu",
    node: process.version,
    charge_moyenne_1min_debut: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}

interface StepReport {
  secondes: number;
  secondes_processus: number;
  rss_max_mio: number | null;
  rss_arbre_mio: number;
  /** Load average (1 min) at the end of the step: above the core count, something else competed. */
  charge_moyenne_fin: number;
}

const stepReport = (r: ChildResult<{ seconds: number }>): StepReport => ({
  secondes: round(r.result.seconds),
  secondes_processus: round(r.wallSeconds),
  rss_max_mio: r.maxRssMiB === null ? null : Math.round(r.maxRssMiB),
  rss_arbre_mio: Math.round(r.treePeakMiB),
  charge_moyenne_fin: round(os.loadavg()[0]!),
});

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const peak = (s: StepReport) => Math.max(s.rss_max_mio ?? 0, s.rss_arbre_mio);

runMain(async () => {
  const values = cliOptions({ strings: ["logements", "annees", "dossier", "connexions", "duree"], booleans: ["json", "verbeux"] }, USAGE);
  if (!values) return;
  ownerOnlyUmask(); // data/bench holds a whole landlord's exports and warehouse (ownerOnly.ts)
  const logements = Number(values.logements ?? 100_000);
  const annees = Number(values.annees ?? 10);
  const connections = Number(values.connexions ?? 50);
  const duration = Number(values.duree ?? 20);
  for (const [k, v] of Object.entries({ logements, annees, connections, duration })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${k} : un entier positif est attendu`);
  }
  const t0 = performance.now();
  const progress = (line: string) => process.stderr.write(`[banc ${((performance.now() - t0) / 1000).toFixed(0).padStart(5)} s] ${line}\n`);
  const childLog = values.verbeux ? (line: string) => process.stderr.write(`    ${line}\n`) : undefined;
  const m = machine();

  const dir = path.resolve(values.dossier ?? projectPath("data", "bench", `${logements}-${annees}`));
  const exportsDir = path.join(dir, "exports");
  const marker = path.join(exportsDir, ".complet.json");
  let generation: (StepReport & { fichiers: number }) | null = null;
  if (!fs.existsSync(marker)) {
    progress(`génération des exports (${logements} logements, ${annees} ans) dans ${exportsDir}`);
    fs.rmSync(exportsDir, { recursive: true, force: true });
    const g = await runStep<{ seconds: number; files: number }>("demo", { logements, annees, out: exportsDir }, { log: childLog });
    generation = { ...stepReport(g), fichiers: g.result.files };
    fs.writeFileSync(marker, JSON.stringify({ logements, annees, genere_le: new Date().toISOString() }));
  } else {
    progress(`exports réutilisés : ${exportsDir}`);
  }
  const exportsBytes = fs
    .readdirSync(exportsDir)
    .filter((f) => f.endsWith(".csv"))
    .reduce((s, f) => s + fs.statSync(path.join(exportsDir, f)).size, 0);

  const work = path.join(dir, "run");
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const db = path.join(work, "warehouse.duckdb");

  progress("(a) plancher : décodage et lecture DuckDB en tables simples");
  const floorRun = await runStep<{ seconds: number; decodeSeconds: number; rows: number }>(
    "floor",
    { exports: exportsDir, db: path.join(work, "plancher.duckdb") },
    { log: childLog },
  );
  const floor = { ...stepReport(floorRun), secondes_decodage: round(floorRun.result.decodeSeconds), lignes: floorRun.result.rows };
  for (const f of fs.readdirSync(work))
    if (f.startsWith("plancher.duckdb")) fs.rmSync(path.join(work, f), { recursive: true, force: true });

  progress("(b) ETL complet depuis un entrepôt vide");
  const etl = stepReport(await runStep<{ seconds: number }>("etl", { exports: exportsDir, db }, { log: childLog }));
  const sizeAfterEtl = { base: fs.statSync(db).size, brut: rawLayerBytes(db) };

  progress("(c) nuit : un jour d'exports de plus");
  const nightInbox = path.join(work, "exports-nuit");
  const day = await writeNextDay(db, exportsDir, nightInbox);
  progress(`    ${day.day} : ${day.rows.ecritures} écritures, ${day.rows.actions} actions, ${day.rows.baux} baux`);
  const nightly = stepReport(await runStep<{ seconds: number }>("etl", { exports: nightInbox, db }, { log: childLog }));
  const sizeAfterNight = { base: fs.statSync(db).size, brut: rawLayerBytes(db) };

  progress("(d) construction du site");
  const siteRun = await runStep<{ seconds: number; pages: Array<{ page: string; dataBytes: number }> }>(
    "site",
    { warehouse: db, output: path.join(work, "site") },
    { log: childLog },
  );
  const heaviest = [...siteRun.result.pages].sort((a, b) => b.dataBytes - a.dataBytes)[0];
  const site = {
    ...stepReport(siteRun),
    pages: siteRun.result.pages.length,
    page_la_plus_lourde: heaviest?.page ?? null,
    donnees_max_ko: round((heaviest?.dataBytes ?? 0) / 1024, 1),
  };

  progress(`(e) API sous charge : ${connections} connexions, ${duration} s par route`);
  const year = Number(lastExportDate(exportsDir).slice(0, 4)) - 1;
  const api: ApiLoadResult = await loadApi({
    db,
    exports: nightInbox,
    sites: path.join(work, "sites"),
    year,
    connections,
    duration,
    log: progress,
  });

  const warehouseBytes = sizeAfterNight.base + sizeAfterNight.brut;
  const figuresRoute = api.routes.find((r) => r.route.startsWith("/api/figures"));
  const casesRoute = api.routes.find((r) => r.route === "/api/cases");
  const targets = {
    etl_sur_plancher_max_1_5: etl.secondes / floor.secondes <= 1.5,
    nuit_sur_etl_max_0_2: nightly.secondes / etl.secondes <= 0.2,
    rss_max_3_gio: [floor, etl, nightly, site].every((s) => peak(s) <= 3 * GIB) && api.serverPeakMiB <= 3 * GIB,
    site_max_2_min: site.secondes <= 120,
    page_max_500_ko: site.donnees_max_ko <= 500,
    api_p95_max_50_ms: (figuresRoute?.p95 ?? Infinity) <= 50 && (casesRoute?.p95 ?? Infinity) <= 50,
    entrepot_max_40_pct: warehouseBytes / exportsBytes <= 0.4,
  };
  const report = {
    commande: `npm run bench -- --logements ${logements} --annees ${annees}`,
    machine: m,
    logements,
    annees,
    dossier: dir,
    generation,
    exports: { fichiers: fs.readdirSync(exportsDir).filter((f) => f.endsWith(".csv")).length, octets: exportsBytes, lignes: floor.lignes },
    plancher: floor,
    etl,
    nuit: { ...nightly, jour: day.day, lignes: day.rows },
    site,
    api: {
      connexions: connections,
      duree_s: duration,
      annee: year,
      rss_serveur_mio: Math.round(api.serverPeakMiB),
      routes: api.routes.map((r) => ({ ...r, requestsPerSecond: round(r.requestsPerSecond, 0), p50: r.p50, p95: r.p95, p99: r.p99 })),
    },
    entrepot: {
      apres_etl: { base_octets: sizeAfterEtl.base, brut_octets: sizeAfterEtl.brut },
      apres_nuit: { base_octets: sizeAfterNight.base, brut_octets: sizeAfterNight.brut },
      part_des_exports: round(warehouseBytes / exportsBytes, 3),
    },
    etl_over_floor: round(etl.secondes / floor.secondes, 3),
    nightly_over_etl: round(nightly.secondes / etl.secondes, 3),
    cibles: targets,
    duree_totale_s: round((performance.now() - t0) / 1000, 1),
  };
  // Kept beside the exports, so a table can be quoted later with the run it came from.
  fs.writeFileSync(path.join(dir, "rapport.json"), JSON.stringify(report, null, 2) + "\n");
  if (values.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + "\n");
    return;
  }
  process.stdout.write(renderTable(report) + "\n");
});

function renderTable(r: {
  commande: string;
  machine: ReturnType<typeof machine>;
  exports: { fichiers: number; octets: number; lignes: number };
  plancher: StepReport & { secondes_decodage: number };
  etl: StepReport;
  nuit: StepReport & { jour: string };
  site: StepReport & { pages: number; donnees_max_ko: number; page_la_plus_lourde: string | null };
  api: {
    connexions: number;
    duree_s: number;
    rss_serveur_mio: number;
    routes: Array<{ route: string; firstMs: number; requestsPerSecond: number; p50: number; p95: number; p99: number; non2xx: number }>;
  };
  entrepot: { apres_nuit: { base_octets: number; brut_octets: number }; part_des_exports: number };
  etl_over_floor: number;
  nightly_over_etl: number;
  cibles: Record<string, boolean>;
  duree_totale_s: number;
}): string {
  const mo = (b: number) => `${(b / 2 ** 20).toFixed(0)} Mo`;
  const fr = (n: number, d = 1) => n.toLocaleString("fr-FR", { minimumFractionDigits: d, maximumFractionDigits: d });
  const rss = (s: StepReport) => `${fr(peak(s) / GIB, 2)} Gio`;
  const lines = [
    r.commande,
    `machine : ${r.machine.nproc} cœurs, ${fr(r.machine.memoire_gio)} Gio, ${r.machine.cpu}, Node ${r.machine.node}, charge moyenne au départ ${fr(r.machine.charge_moyenne_1min_debut, 2)}`,
    `exports : ${r.exports.fichiers} fichiers, ${mo(r.exports.octets)}, ${r.exports.lignes.toLocaleString("fr-FR")} lignes`,
    "",
    "étape                                  secondes   rapport   RSS max   charge",
    `(a) plancher (décodage ${fr(r.plancher.secondes_decodage)} s)`.padEnd(38) +
      `${fr(r.plancher.secondes).padStart(9)}   ${"1".padStart(7)}   ${rss(r.plancher).padStart(8)}   ${fr(r.plancher.charge_moyenne_fin).padStart(6)}`,
    `(b) ETL complet`.padEnd(38) +
      `${fr(r.etl.secondes).padStart(9)}   ${fr(r.etl_over_floor, 2).padStart(7)}   ${rss(r.etl).padStart(8)}   ${fr(r.etl.charge_moyenne_fin).padStart(6)}   (b)/(a)`,
    `(c) nuit du ${r.nuit.jour.split("-").reverse().join("/")}`.padEnd(38) +
      `${fr(r.nuit.secondes).padStart(9)}   ${fr(r.nightly_over_etl, 3).padStart(7)}   ${rss(r.nuit).padStart(8)}   ${fr(r.nuit.charge_moyenne_fin).padStart(6)}   (c)/(b)`,
    `(d) site (${r.site.pages} pages, max ${fr(r.site.donnees_max_ko)} Ko)`.padEnd(38) +
      `${fr(r.site.secondes).padStart(9)}   ${"".padStart(7)}   ${rss(r.site).padStart(8)}   ${fr(r.site.charge_moyenne_fin).padStart(6)}`,
    "",
    `entrepôt : base ${mo(r.entrepot.apres_nuit.base_octets)} + couche brute ${mo(r.entrepot.apres_nuit.brut_octets)} = ${fr(r.entrepot.part_des_exports * 100)} % des exports`,
    "",
    `(e) API : ${r.api.connexions} connexions, ${r.api.duree_s} s par route, RSS serveur ${fr(r.api.rss_serveur_mio / GIB, 2)} Gio`,
    "route                                 1re (froid)   req/s      p50      p95      p99   non-2xx",
    ...r.api.routes.map(
      (x) =>
        `${x.route.slice(0, 38).padEnd(38)}${`${fr(x.firstMs)} ms`.padStart(12)}${fr(x.requestsPerSecond, 0).padStart(8)} ${`${fr(x.p50)} ms`.padStart(8)} ${`${fr(x.p95)} ms`.padStart(8)} ${`${fr(x.p99)} ms`.padStart(8)} ${fr(x.non2xx, 0).padStart(8)}`,
    ),
    "",
    "cibles : " +
      Object.entries(r.cibles)
        .map(([k, v]) => `${k} ${v ? "tenue" : "MANQUÉE"}`)
        .join(", "),
    `durée totale du banc : ${fr(r.duree_totale_s, 0)} s`,
  ];
  return lines.join("\n");
}
