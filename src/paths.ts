import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, whatever the working directory. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function projectPath(...parts: string[]): string {
  return path.join(PROJECT_ROOT, ...parts);
}

export const DEFAULT_EXPORTS_DIR = projectPath("data", "exports");
export const DEFAULT_DB_PATH = projectPath("data", "warehouse.duckdb");
