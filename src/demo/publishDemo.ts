/**
 * The demo office's 2024 publication, made by `npm start` (src/cli/start.ts) on the generated
 * exports: when the exports hold the demo's correction folder (`<exports>/.correction/`, written
 * by the generator and never read by the ETL's inbox), 2024 is published as « Rapport d'activité
 * 2024 » unless a publication of 2024 exists already, then the correction is moved into the inbox
 * and one more run loads it. The publication then holds the landlord's published figures
 * (12 449 relances, taux d'impayés 3,47 %…) and today's figures differ from them by exactly the
 * correction (one 2024 reminder cancelled: one relance less), which the site and the API explain.
 */
import fs from "node:fs";
import path from "node:path";
import { publish } from "../publications/publish.ts";
import { readPublications, type Publication, type StoredPublication } from "../publications/store.ts";
import { CORRECTION_DIR } from "./generate.ts";
import { CALIBRATION_YEAR } from "./world.ts";

export const DEMO_PUBLICATION = {
  annee: CALIBRATION_YEAR,
  titre: `Rapport d'activité ${CALIBRATION_YEAR}`,
  note: "Chiffres publiés par l'office de démonstration ; une correction des exports reçue ensuite les révise.",
  par: { identifiant: "demo", role: "admin" },
} as const;

export interface DemoPublicationResult {
  /** The publication of 2024 in place afterwards (the one made now, or the one found). */
  publication: Publication | StoredPublication | null;
  /** Whether it was made now. */
  publiee: boolean;
  /** The correction files moved into the exports folder (empty when there were none). */
  correction: string[];
}

/**
 * Publish the demo's 2024 figures if needed and deliver its correction. `runOnce` loads the
 * exports once more and publishes a new warehouse (the server's run: ETL and site build).
 * Does nothing without the correction folder: on the landlord's own exports, nothing is published.
 */
export async function publishDemoYear(opts: {
  dbPath: string;
  exportsDir: string;
  runOnce: () => Promise<unknown>;
}): Promise<DemoPublicationResult> {
  const dir = path.join(opts.exportsDir, CORRECTION_DIR);
  if (!fs.existsSync(dir)) return { publication: null, publiee: false, correction: [] };
  const existing =
    readPublications(opts.dbPath)
      .publications.filter((p) => p.annee === DEMO_PUBLICATION.annee)
      .at(-1) ?? null;
  const publication = existing ?? (await publish({ dbPath: opts.dbPath, ...DEMO_PUBLICATION }));
  const moved: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const to = path.join(opts.exportsDir, name);
    fs.renameSync(path.join(dir, name), to);
    moved.push(to);
  }
  fs.rmdirSync(dir);
  if (moved.length) await opts.runOnce();
  return { publication, publiee: existing === null, correction: moved };
}
