/**
 * Load: autocannon against the product's server (its own process, loopback only) on the
 * demo office: 50 connections for 30 s on /api/figures, /api/cases and /api/cases/:num,
 * then the same three at once during a nightly run (ETL on the demo exports plus one new
 * day, the real site build) until just after its swap. Zero errors and zero non-2xx
 * answers; requests per second and p50/p95/p99 latency for each.
 */
import fs from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import { generateDemo } from "../../src/demo/generate.ts";
import { runEtl } from "../../src/etl/runEtl.ts";
import { copyWarehouse } from "../../src/etl/rawLayer.ts";
import { writeDayOfExports } from "./office.ts";
import { tempDir } from "../util/exports.ts";
import { startServerChild, type ServerHandle } from "./serverHandle.ts";
import { line, type CheckLine } from "./table.ts";

const FAMILY = "Charge";

export interface LoadMeasure {
  phase: string;
  url: string;
  connections: number;
  seconds: number;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
  timeouts: number;
}

const pct = (sorted: number[], p: number) =>
  sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!) : NaN;

/** One autocannon instance; stop() ends it early. Latencies are taken from every response. */
function cannon(url: string, cookie: string, connections: number, durationS: number) {
  const times: number[] = [];
  const t0 = Date.now();
  let resolveDone!: (m: Omit<LoadMeasure, "phase">) => void;
  let rejectDone!: (e: unknown) => void;
  const done = new Promise<Omit<LoadMeasure, "phase">>((res, rej) => ((resolveDone = res), (rejectDone = rej)));
  const instance = autocannon({ url, connections, duration: durationS, headers: { cookie }, timeout: 30 }, (err, r) => {
    if (err) return rejectDone(err);
    const s = [...times].sort((a, b) => a - b);
    const seconds = (Date.now() - t0) / 1000;
    resolveDone({
      url: url.replace(/^http:\/\/[^/]+/, ""),
      connections,
      seconds: Math.round(seconds),
      requests: r.requests.total,
      rps: Math.round(r.requests.total / seconds),
      p50: pct(s, 50),
      p95: pct(s, 95),
      p99: pct(s, 99),
      errors: r.errors,
      non2xx: r.non2xx,
      timeouts: r.timeouts,
    });
  });
  instance.on("response", (_c, _status, _bytes, ms) => times.push(ms));
  return { done, stop: () => instance.stop() };
}

export interface LoadOptions {
  durationS: number;
  connections: number;
  /** Folder holding (or to hold) the demo office's exports/ and warehouse.duckdb, reused when present. */
  demoDir?: string;
  log?: (l: string) => void;
}

export async function prepareDemo(dir: string, log: (l: string) => void): Promise<{ exportsDir: string; db: string }> {
  const exportsDir = path.join(dir, "exports");
  const db = path.join(dir, "warehouse.duckdb");
  if (!fs.existsSync(db)) {
    fs.mkdirSync(dir, { recursive: true });
    const t0 = Date.now();
    await generateDemo({ out: exportsDir });
    log(`[charge] exports de l'office de démonstration écrits en ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const t1 = Date.now();
    await runEtl({ exportsDir, dbPath: db, log: () => undefined });
    log(`[charge] premier chargement de la démonstration : ${((Date.now() - t1) / 1000).toFixed(0)} s`);
  }
  return { exportsDir, db };
}

/** A hard link, or (across file systems) a copy with the same modification time. */
function linkOrCopy(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
    fs.copyFileSync(from, to);
    const st = fs.statSync(from);
    fs.utimesSync(to, st.atime, st.mtime);
  }
}

export async function checkLoad(o: LoadOptions): Promise<{ lines: CheckLine[]; measures: LoadMeasure[] }> {
  const log = o.log ?? (() => undefined);
  const demo = await prepareDemo(o.demoDir ?? path.join(tempDir("oph-charge-"), "demo"), log);
  // The server works on a copy: the nightly run during the load loads one more day of exports.
  const work = tempDir("oph-charge-run-");
  const exportsDir = path.join(work, "exports");
  fs.mkdirSync(exportsDir);
  // Hard links, not symbolic ones: the inbox never follows a link (src/etl/inbox.ts). A hard link
  // keeps the file's modification time, so the demo's files stay "already loaded".
  for (const f of fs.readdirSync(demo.exportsDir)) linkOrCopy(path.join(demo.exportsDir, f), path.join(exportsDir, f));
  const db = path.join(work, "warehouse.duckdb");
  // The warehouse with its raw layer, as a backup copies it.
  copyWarehouse(demo.db, db);
  if (fs.existsSync(`${demo.db}.runs.jsonl`)) fs.copyFileSync(`${demo.db}.runs.jsonl`, `${db}.runs.jsonl`);
  let server: ServerHandle | null = null;
  const measures: LoadMeasure[] = [];
  const out: CheckLine[] = [];
  try {
    server = await startServerChild({ exportsDir, db, sitesDir: path.join(work, "site"), fakeSite: false });
    const cookie = await server.cookie("recouvrement");
    const list = (await (await fetch(`${server.url}/api/cases?taille=40`, { headers: { cookie } })).json()) as {
      lignes: Array<{ num_contrat: string }>;
    };
    const nums = list.lignes.map((l) => l.num_contrat);
    const num = list.lignes[0]!.num_contrat;
    const urls = [`${server.url}/api/figures?annee=2024`, `${server.url}/api/cases`, `${server.url}/api/cases/${encodeURIComponent(num)}`];
    const rssBefore = await server.rss();
    for (const url of urls) {
      const m = await cannon(url, cookie, o.connections, o.durationS).done;
      measures.push({ phase: "au repos", ...m });
      log(
        `[charge] au repos ${m.url} : ${m.rps} req/s, p50 ${m.p50} ms, p95 ${m.p95} ms, p99 ${m.p99} ms, erreurs ${m.errors}, non-2xx ${m.non2xx}`,
      );
    }
    // During a nightly run: the three at once, from the run's start until 3 s after its swap.
    writeDayOfExports(exportsDir, "2026-11-01", 40, (i) => nums[(i - 1) % nums.length]!);
    const runners = urls.map((u) => cannon(u, cookie, o.connections, 1800));
    const t0 = Date.now();
    let publishedAt: number | null = null;
    server.onPublished(() => {
      publishedAt = Date.now();
      setTimeout(() => runners.forEach((r) => r.stop()), 3000);
    });
    const run = await server.run();
    if (!publishedAt) runners.forEach((r) => r.stop());
    for (const r of runners) {
      const m = await r.done;
      measures.push({ phase: "pendant un chargement nocturne et sa bascule", ...m });
      log(
        `[charge] pendant le chargement ${m.url} : ${m.rps} req/s, p50 ${m.p50} ms, p95 ${m.p95} ms, p99 ${m.p99} ms, erreurs ${m.errors}, non-2xx ${m.non2xx}`,
      );
    }
    const rssAfter = await server.rss();
    log(
      `[charge] chargement nocturne ${run.ok ? "réussi" : `en échec : ${run.message}`} en ${(run.ms / 1000).toFixed(0)} s, bascule à ${publishedAt ? ((publishedAt - t0) / 1000).toFixed(0) : "?"} s ; RSS ${(rssBefore.rss / 2 ** 20).toFixed(0)} → ${(rssAfter.rss / 2 ** 20).toFixed(0)} Mio`,
    );
    out.push(
      line(
        FAMILY,
        `autocannon, ${o.connections} connexions × ${o.durationS} s sur /api/figures, /api/cases, /api/cases/:num (démonstration, 11 000 logements) : 0 erreur, 0 non-2xx`,
        measures
          .filter((m) => m.phase === "au repos")
          .map((m) =>
            m.errors || m.non2xx || m.timeouts || !m.requests
              ? `${m.url} : ${m.errors} erreurs, ${m.non2xx} non-2xx, ${m.timeouts} délais`
              : null,
          ),
      ),
      line(
        FAMILY,
        `les trois à la fois (${o.connections} connexions chacune) pendant un chargement nocturne et sa bascule : 0 erreur, 0 non-2xx`,
        [
          run.ok ? null : `chargement nocturne en échec : ${run.message}`,
          publishedAt ? null : "la bascule n'a pas eu lieu pendant la charge",
          ...measures
            .filter((m) => m.phase !== "au repos")
            .map((m) =>
              m.errors || m.non2xx || m.timeouts || !m.requests
                ? `${m.url} : ${m.errors} erreurs, ${m.non2xx} non-2xx, ${m.timeouts} délais`
                : null,
            ),
        ],
        [
          `chargement ${(run.ms / 1000).toFixed(0)} s (bascule à ${publishedAt ? ((publishedAt - t0) / 1000).toFixed(0) : "?"} s) ; RSS du serveur ${(rssBefore.rss / 2 ** 20).toFixed(0)} → ${(rssAfter.rss / 2 ** 20).toFixed(0)} Mio`,
        ],
      ),
    );
  } finally {
    await server?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
  return { lines: out, measures };
}

export function renderLoadTable(measures: LoadMeasure[]): string {
  const rows = measures.map(
    (m) =>
      `| ${m.phase} | \`${m.url.replace(/\/api\/cases\/[^?]+$/, "/api/cases/:num_contrat")}\` | ${m.connections} | ${m.seconds} | ${m.requests} | ${m.rps} | ${m.p50} | ${m.p95} | ${m.p99} | ${m.errors} | ${m.non2xx} |`,
  );
  return [
    "| phase | route | connexions | s | requêtes | req/s | p50 ms | p95 ms | p99 ms | erreurs | non-2xx |",
    "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ...rows,
  ].join("\n");
}
