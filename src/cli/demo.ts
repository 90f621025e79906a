// npm run demo -- [--logements N] [--annees Y] [--seed S] [--out DIR] [--json]
//
// Writes the demo office's ERP exports (default: 11 000 dwellings, 2018 to 31/10/2026,
// into data/exports). Progress goes to stderr; the summary (or, with --json, the full
// result with the generator's own yearly figures) goes to stdout.

import { parseArgs } from "node:util";

import { generateDemo, type DemoProgress } from "../demo/generate.ts";
import { ownerOnlyUmask } from "../ownerOnly.ts";
import { DEFAULT_ANNEES, DEFAULT_LOGEMENTS, DEFAULT_SEED } from "../demo/world.ts";

const USAGE = `usage: npm run demo -- [--logements N] [--annees Y] [--seed S] [--out DIR] [--json]
  --logements N  dwellings of the demo landlord (default ${DEFAULT_LOGEMENTS})
  --annees Y     calendar years of history ending in 2026 (default ${DEFAULT_ANNEES}: 01/01/2018 to 31/10/2026)
  --seed S       random seed (default ${DEFAULT_SEED}); same options, same bytes
  --out DIR      output folder (default data/exports); export files already there are replaced
  --json         print the full result as JSON on stdout`;

class UsageError extends Error {}

function integer(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new UsageError(`--${name} expects a whole number, got "${text}"`);
  return Number(text);
}

async function main(): Promise<void> {
  ownerOnlyUmask(); // the exports hold the tenants' ledger: owner-only (ownerOnly.ts)
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        logements: { type: "string" },
        annees: { type: "string" },
        seed: { type: "string" },
        out: { type: "string", default: "data/exports" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const logements = integer("logements", values.logements, DEFAULT_LOGEMENTS);
  const annees = integer("annees", values.annees, DEFAULT_ANNEES);
  const seed = integer("seed", values.seed, DEFAULT_SEED);

  const tty = process.stderr.isTTY;
  let lastShown = -1;
  const onProgress = (p: DemoProgress): void => {
    const pct = Math.floor((100 * p.done) / p.total);
    if (pct === lastShown && p.done !== p.total) return;
    lastShown = pct;
    const label = p.phase === "simulation" ? "calibration (passe 1)" : "écriture (passe 2)";
    if (tty) process.stderr.write(`\r${label} : ${pct} % (${p.done}/${p.total} logements)`);
    else if (pct % 10 === 0) process.stderr.write(`${label} : ${pct} %\n`);
    if (p.done === p.total) {
      if (tty) process.stderr.write("\n");
      lastShown = -1;
    }
  };

  const result = await generateDemo({ logements, annees, seed, out: values.out, onProgress });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const rows = Object.entries(result.rows)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  const lines = [
    `demo: ${result.files.length} fichiers écrits dans ${result.options.out} en ${(result.elapsedMs / 1000).toFixed(1)} s`,
    `lignes: ${rows} (dont ${result.extraRows.bad} lignes invalides destinées à la quarantaine)`,
  ];
  const cal = result.calibration;
  if (cal !== null) {
    const f = result.figures.find((x) => x.annee === cal.year);
    if (f !== undefined)
      lines.push(
        `${cal.year}: relances ${f.relances}, visites ${f.visites_domicile}, plans ${f.plans_signes}, CDP ${f.commandements_payer}, ` +
          `assignations ${f.assignations}, résiliations ${f.resiliations_bail}, CFP ${f.concours_force_publique}, expulsions ${f.expulsions}, ` +
          `taux d'impayés ${((f.taux_impayes ?? 0) * 100).toFixed(2)} %, emploi stable ${((f.part_emploi_stable ?? 0) * 100).toFixed(1)} %` +
          (cal.exact ? " (cibles atteintes)" : " (CIBLES NON ATTEINTES)"),
      );
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  if (cal !== null && !cal.exact) process.stderr.write("demo: the calibration did not reach every target for these options\n");
}

main().catch((e: unknown) => {
  if (e instanceof UsageError || e instanceof RangeError) {
    process.stderr.write(`demo: ${e.message}\n${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(`demo: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
