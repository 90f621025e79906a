/**
 * Soak: N consecutive nightly runs of the server (its own process), each with one more day
 * of exports, requests between runs; how run time, warehouse size and the server's memory
 * (RSS after a garbage collection) grow. The memory must stay flat.
 */
import fs from "node:fs";
import path from "node:path";
import { runEtl } from "../../src/etl/runEtl.ts";
import { writeDayOfExports, writeOffice } from "./office.ts";
import { tempDir } from "../util/exports.ts";
import { startServerChild } from "./serverHandle.ts";
import { line, type CheckLine } from "./table.ts";

const FAMILY = "Endurance";

export interface SoakPoint {
  run: number;
  ok: boolean;
  ms: number;
  sizeMiB: number;
  rssMiB: number;
  heapMiB: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};

export async function checkSoak(o: {
  runs: number;
  leases?: number;
  requestsPerRun?: number;
  log?: (l: string) => void;
}): Promise<{ lines: CheckLine[]; measures: SoakPoint[] }> {
  const log = o.log ?? (() => undefined);
  const leases = o.leases ?? 300;
  const dir = tempDir("oph-endurance-");
  const exportsDir = path.join(dir, "exports");
  const db = path.join(dir, "warehouse.duckdb");
  writeOffice(exportsDir, { leases });
  await runEtl({ exportsDir, dbPath: db, log: () => undefined });
  const server = await startServerChild({ exportsDir, db, sitesDir: path.join(dir, "site"), fakeSite: true });
  const points: SoakPoint[] = [];
  const requestOutcomes: Array<string | null> = [];
  try {
    const cookie = await server.cookie("recouvrement");
    const paths = ["/api/figures?annee=2025", "/api/cases", "/api/cases/B0001", "/api/series?indicateur=taux_impayes", "/health", "/"];
    for (let k = 1; k <= o.runs; k++) {
      const day = new Date(Date.UTC(2025, 0, 2 + k)).toISOString().slice(0, 10);
      writeDayOfExports(exportsDir, day, leases);
      const r = await server.run();
      const mem = await server.rss();
      points.push({
        run: k,
        ok: r.ok,
        ms: Math.round(r.ms),
        sizeMiB: fs.statSync(db).size / 2 ** 20,
        rssMiB: mem.rss / 2 ** 20,
        heapMiB: mem.heapUsed / 2 ** 20,
      });
      for (let i = 0; i < (o.requestsPerRun ?? 60); i += 6) {
        await Promise.all(
          paths.map(async (p) => {
            try {
              const res = await fetch(server.url + p, { headers: { cookie } });
              await res.arrayBuffer();
              requestOutcomes.push(res.status === 200 ? null : `${p} : ${res.status}`);
            } catch (e) {
              requestOutcomes.push(`${p} : ${(e as Error).message}`);
            }
          }),
        );
      }
      if (k === 1 || k % 10 === 0 || k === o.runs) {
        const p = points.at(-1)!;
        log(
          `[endurance] chargement ${k}/${o.runs} : ${p.ok ? "réussi" : "ÉCHEC"} en ${(p.ms / 1000).toFixed(1)} s, entrepôt ${p.sizeMiB.toFixed(1)} Mio, RSS ${p.rssMiB.toFixed(0)} Mio, tas ${p.heapMiB.toFixed(0)} Mio`,
        );
      }
    }
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // Flat memory: after a warm-up (runs 6 to 15), the median RSS of the last ten runs grows by
  // less than 15 % (and less than 50 MiB). Few runs (npm test): compare the first and last thirds.
  const n = points.length;
  const warm = n >= 30 ? points.slice(5, 15) : points.slice(0, Math.max(1, Math.floor(n / 3)));
  const last = n >= 30 ? points.slice(-10) : points.slice(-Math.max(1, Math.floor(n / 3)));
  const rssWarm = median(warm.map((p) => p.rssMiB));
  const rssLast = median(last.map((p) => p.rssMiB));
  const growth = rssLast - rssWarm;
  const flat = growth < Math.min(50, 0.15 * rssWarm);
  const first = points[0];
  const end = points.at(-1);
  const summary =
    first && end
      ? `temps de chargement ${(median(points.slice(0, 10).map((p) => p.ms)) / 1000).toFixed(2)} s (10 premiers, médiane) → ${(median(points.slice(-10).map((p) => p.ms)) / 1000).toFixed(2)} s (10 derniers) ; entrepôt ${first.sizeMiB.toFixed(1)} → ${end.sizeMiB.toFixed(1)} Mio ; RSS du serveur ${rssWarm.toFixed(0)} Mio (après mise en route) → ${rssLast.toFixed(0)} Mio (fin), ${growth >= 0 ? "+" : ""}${growth.toFixed(0)} Mio`
      : "aucun chargement";
  return {
    lines: [
      line(
        FAMILY,
        `${o.runs} chargements nocturnes consécutifs, un jour d'exports de plus à chaque fois (${leases} baux)`,
        points.map((p) => (p.ok ? null : `chargement ${p.run} en échec`)),
        [summary],
      ),
      line(FAMILY, "requêtes entre les chargements (API et site) : toutes 200", requestOutcomes),
      line(
        FAMILY,
        "mémoire du serveur stable (RSS après GC, médiane des 10 derniers vs après mise en route)",
        [flat ? null : `RSS +${growth.toFixed(0)} Mio (${rssWarm.toFixed(0)} → ${rssLast.toFixed(0)})`],
        [summary],
      ),
    ],
    measures: points,
  };
}
