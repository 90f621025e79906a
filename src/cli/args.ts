/**
 * Shared CLI plumbing: argument parsing with node:util and one way to fail
 * (a one-line French message on stderr, exit code 1 or 2).
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { AppError } from "../errors.ts";

export function parseCli<T extends ParseArgsConfig["options"]>(options: T, usage: string) {
  try {
    return parseArgs({ options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: false, strict: true });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${usage}\n`);
    process.exit(2);
  }
}

/** Run a CLI main: known errors print one line and exit 1; anything else prints its stack. */
export function runMain(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    if (e instanceof AppError) {
      process.stderr.write(`Erreur : ${e.message}\n`);
    } else {
      process.stderr.write(`Erreur inattendue : ${(e as Error)?.stack ?? String(e)}\n`);
    }
    process.exitCode = 1;
  });
}
