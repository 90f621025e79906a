/**
 * Shared CLI plumbing: argument parsing with node:util and one way to fail
 * (a one-line French message on stderr, exit code 1 or 2).
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { AppError } from "../errors.ts";

/** The values of a CLI's options: strings for the options that take a value, booleans for the flags. */
export type CliValues<S extends string, B extends string> = { [K in S]?: string } & { [K in B]?: boolean };

/**
 * The options of a CLI, all long and optional: `strings` take a value, `booleans` do not. -h or
 * --help prints the usage and gives null (the main then returns); an unknown or malformed option
 * prints what is wrong and the usage, and exits 2.
 */
export function cliOptions<S extends string = never, B extends string = never>(
  spec: { strings?: readonly S[]; booleans?: readonly B[] },
  usage: string,
): CliValues<S, B> | null {
  const options: NonNullable<ParseArgsConfig["options"]> = { help: { type: "boolean", short: "h" } };
  for (const name of spec.strings ?? []) options[name] = { type: "string" };
  for (const name of spec.booleans ?? []) options[name] = { type: "boolean" };
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({ options, allowPositionals: false, strict: true }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${usage}\n`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    return null;
  }
  return values as CliValues<S, B>;
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
