/**
 * npm run check:reliability [-- --seulement pannes,corpus,entree,csv,acces,agregats,charge,endurance]
 *                             [--endurance N] [--json FICHIER]
 *
 * The whole reliability suite (issues 5 and 10): faults, bad input (commentaire never stored),
 * the inbox (stray names, links, files being written, owner-only modes), CSV neutralisation,
 * access (lock-out, cache headers, Host and Origin, public health, links in a site build),
 * aggregates that cannot be differenced, load and soak, then ONE summary table on stdout
 * (what was tried, how many times, how many held). Progress on stderr. Exit 1 when anything did not hold.
 * The fast part of the same checks runs in `npm test` (test/reliability/*.test.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { checkAccess } from "./access.ts";
import { checkCorpus } from "./corpus.ts";
import { checkCsvWriters } from "./csvWriters.ts";
import { checkDifferencing } from "./differencing.ts";
import { allKillPoints, concurrentRuns, crashLeftovers, failingWrites, killCampaign, requestsDuringSwaps } from "./faults.ts";
import { checkInbox } from "./inbox.ts";
import { checkLoad, renderLoadTable, type LoadMeasure } from "./load.ts";
import { checkSoak } from "./soak.ts";
import { held, renderDetails, renderSummary, type CheckLine } from "./table.ts";
import { cliOptions } from "../../src/cli/args.ts";

const USAGE = "Usage : npm run check:reliability -- [--seulement FAMILLES] [--endurance N] [--json FICHIER] [--demo-dir DOSSIER]";
const values = cliOptions({ strings: ["seulement", "endurance", "json", "demo-dir"] }, USAGE) ?? process.exit(0);
const only = values.seulement ? new Set(values.seulement.split(",")) : null;
const want = (s: string) => !only || only.has(s);
const log = (l: string) => process.stderr.write(l + "\n");
const lines: CheckLine[] = [];
const measures: Record<string, unknown> = {};
const t0 = Date.now();

async function section(name: string, fn: () => Promise<CheckLine[]>) {
  if (!want(name)) return;
  const s0 = Date.now();
  log(`\n== ${name} ==`);
  try {
    lines.push(...(await fn()));
  } catch (e) {
    lines.push({
      famille: name,
      essai: `la vérification « ${name} » elle-même`,
      fois: 1,
      tenus: 0,
      details: [String((e as Error).stack ?? e)],
    });
  }
  log(`== ${name} : ${((Date.now() - s0) / 1000).toFixed(0)} s ==`);
}

await section("pannes", async () => [
  ...(await killCampaign(allKillPoints(), log)),
  ...(await failingWrites(log)),
  ...(await requestsDuringSwaps(5, log)),
  ...(await concurrentRuns(log)),
  ...(await crashLeftovers(log)),
]);
await section("corpus", () => checkCorpus({ full: true, log }));
await section("entree", () => checkInbox({ log }));
await section("csv", () => checkCsvWriters(log));
await section("acces", () => checkAccess({ runs: 300, buildSite: true, log }));
await section("agregats", () => checkDifferencing(log));
await section("charge", async () => {
  const r = await checkLoad({ durationS: 30, connections: 50, demoDir: values["demo-dir"], log });
  measures.charge = r.measures;
  return r.lines;
});
await section("endurance", async () => {
  const r = await checkSoak({ runs: Number(values.endurance ?? process.env.RELIABILITY_SOAK_RUNS ?? 100), log });
  measures.endurance = r.measures;
  return r.lines;
});

const summary = renderSummary(lines);
process.stdout.write(`\nFiabilité : résumé (${((Date.now() - t0) / 60000).toFixed(1)} min)\n\n${summary}\n`);
if (measures.charge) process.stdout.write(`\nCharge (autocannon) :\n\n${renderLoadTable(measures.charge as LoadMeasure[])}\n`);
const details = renderDetails(lines);
if (details) process.stdout.write(`\nDétails :\n${details}\n`);
if (values.json) {
  fs.mkdirSync(path.dirname(path.resolve(values.json)), { recursive: true });
  fs.writeFileSync(values.json, JSON.stringify({ lines, measures, summary }, null, 2));
}
process.exit(lines.every(held) ? 0 : 1);
