/**
 * The ETL's configuration from the environment, read once per run (runEtl) and validated
 * with zod, as the server's is (src/server/config.ts). Modules get it as an argument.
 *
 *   ETL_MEMORY_LIMIT   DuckDB's memory limit during a run (default 1.5GB: see runEtl.ts)
 *   ETL_PARTIE_LIGNES  ledger rows per part when a model is computed in parts (default 6 000 000;
 *                      smaller to test the parts on a small office)
 *   ETL_PROFILE        1: the nightly run logs every statement with its time
 *   ETL_KILL_AT        a fault point where the process kills itself (crash tests, faults.ts)
 */
import { z } from "zod";
import { ConfigError } from "../errors.ts";

/** DuckDB's memory limit during a run, unless ETL_MEMORY_LIMIT says otherwise. */
export const ETL_MEMORY_LIMIT = "1.5GB";

const schema = z.object({
  ETL_MEMORY_LIMIT: z
    .string()
    .regex(/^(\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)|\d+(\.\d+)?%)$/i, "attendu une taille, par exemple 1.5GB ou 800MB")
    .default(ETL_MEMORY_LIMIT),
  ETL_PARTIE_LIGNES: z
    .string()
    .regex(/^[1-9]\d*$/, "attendu un nombre entier de lignes, par exemple 6000000")
    .default("6000000")
    .transform(Number),
  ETL_PROFILE: z
    .enum(["0", "1"])
    .default("0")
    .transform((v) => v === "1"),
  ETL_KILL_AT: z.string().optional(),
});

export interface EtlConfig {
  /** DuckDB's memory limit during a run. */
  memoryLimit: string;
  /** Ledger rows per part (parts.ts). */
  partRows: number;
  /** Log every statement of the nightly run with its time. */
  profile: boolean;
  /** The fault point where the process kills itself, if any. */
  killAt: string | undefined;
}

export function loadEtlConfig(env: NodeJS.ProcessEnv = process.env): EtlConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new ConfigError(`Variable d'environnement ${i.path.join(".")} invalide : ${i.message}`);
  }
  const c = parsed.data;
  return { memoryLimit: c.ETL_MEMORY_LIMIT, partRows: c.ETL_PARTIE_LIGNES, profile: c.ETL_PROFILE, killAt: c.ETL_KILL_AT };
}
