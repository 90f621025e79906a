/**
 * The API under load: the product's server in its own process on 127.0.0.1, signed in as
 * a `recouvrement` user, and autocannon on each route in turn (50 connections, 20 s by
 * default). Latencies are those of every response, as autocannon reports them; the
 * percentiles are computed here from all of them (autocannon's summary has no p95).
 *
 * The server keeps each answer for the life of the published warehouse (see
 * src/server/responseCache.ts), so under load a route is served from that cache. The
 * first request of each route is timed apart: it is the cost of an answer not yet
 * computed (cold), as the first user after a nightly run sees it.
 */
import autocannon from "autocannon";
import { startStep } from "./processes.ts";

export interface RouteLoad {
  route: string;
  /** Milliseconds of the route's first request on the freshly opened warehouse (not cached yet). */
  firstMs: number;
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
}

export interface ApiLoadResult {
  routes: RouteLoad[];
  serverPeakMiB: number;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const ms = (x: number) => Math.round(x * 10) / 10;

function load(url: string, cookie: string, connections: number, duration: number): Promise<Omit<RouteLoad, "route" | "firstMs">> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const instance = autocannon({ url, connections, duration, headers: { cookie } }, (err, result) => {
      if (err) return reject(err);
      latencies.sort((a, b) => a - b);
      resolve({
        requests: result.requests.total,
        requestsPerSecond: result.requests.total / duration,
        p50: ms(percentile(latencies, 50)),
        p95: ms(percentile(latencies, 95)),
        p99: ms(percentile(latencies, 99)),
        max: ms(latencies.at(-1) ?? NaN),
        non2xx: result.non2xx,
        errors: result.errors,
      });
    });
    instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
  });
}

export async function loadApi(options: {
  db: string;
  exports: string;
  sites: string;
  year: number;
  connections: number;
  duration: number;
  log: (line: string) => void;
}): Promise<ApiLoadResult> {
  const password = `banc-${Date.now()}`;
  const server = startStep("server", { db: options.db, exports: options.exports, sites: options.sites, password });
  try {
    const { port } = JSON.parse(await server.ready) as { port: number };
    const base = `http://127.0.0.1:${port}`;
    const signIn = await fetch(`${base}/api/session`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ identifiant: "banc", mot_de_passe: password }),
    });
    if (signIn.status !== 200) throw new Error(`connexion refusée : ${signIn.status} ${await signIn.text()}`);
    const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
    const cases = (await (await fetch(`${base}/api/cases?taille=1`, { headers: { cookie } })).json()) as {
      lignes: Array<{ num_contrat: string }>;
    };
    const oneCase = cases.lignes[0]?.num_contrat;
    const routes = [
      "/health",
      `/api/figures?annee=${options.year}`,
      "/api/cases",
      ...(oneCase ? [`/api/cases/${encodeURIComponent(oneCase)}`] : []),
    ];
    const results: RouteLoad[] = [];
    for (const route of routes) {
      // one request first: the route answers, and its first-call costs stay out of the numbers
      const t0 = performance.now();
      const first = await fetch(`${base}${route}`, { headers: { cookie } });
      const body = await first.text();
      const firstMs = ms(performance.now() - t0);
      if (first.status !== 200) throw new Error(`${route} : ${first.status} ${body.slice(0, 300)}`);
      options.log(`[banc] charge sur ${route} : ${options.connections} connexions, ${options.duration} s`);
      results.push({ route, firstMs, ...(await load(`${base}${route}`, cookie, options.connections, options.duration)) });
    }
    return { routes: results, serverPeakMiB: server.peakMiB() };
  } finally {
    await server.stop();
  }
}
