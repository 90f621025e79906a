/**
 * The export files a publication rests on, found in the raw layer by their SHA-256 (the raw
 * Parquet's name holds its prefix: src/etl/rawLayer.ts), and views over exactly those files.
 */
import fs from "node:fs";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { PublicationError } from "../errors.ts";
import { KINDS, type Kind } from "../etl/exportSchema.ts";
import { rawColumns, rawDir } from "../etl/rawLayer.ts";
import { sqlLiteral } from "../duckdb/db.ts";
import type { Publication, PublishedFile } from "./store.ts";

export interface LocatedFile extends PublishedFile {
  /** Absolute path of its Parquet, or null when the raw layer no longer holds it. */
  parquet: string | null;
}

/** Each file of the publication with where its Parquet is: the path it had, else any Parquet of that kind with its SHA-256. */
export function locateFiles(dbPath: string, p: Publication): LocatedFile[] {
  const root = rawDir(dbPath);
  return p.fichiers.map((f) => {
    const listed = path.join(root, f.fichier_brut);
    if (fs.existsSync(listed)) return { ...f, parquet: listed };
    const dir = path.join(root, `type_fichier=${f.type_fichier}`);
    const suffix = `-${f.sha256.slice(0, 16)}.parquet`;
    if (fs.existsSync(dir)) {
      for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
        if (e.isFile() && e.name.endsWith(suffix)) return { ...f, parquet: path.join(e.parentPath, e.name) };
      }
    }
    return { ...f, parquet: null };
  });
}

/** The files, or a French error naming those the raw layer lacks and what to do. */
export function requireFiles(dbPath: string, p: Publication): Array<LocatedFile & { parquet: string }> {
  const files = locateFiles(dbPath, p);
  const missing = files.filter((f) => f.parquet === null);
  if (missing.length > 0) {
    const names = missing
      .slice(0, 3)
      .map((f) => `${f.fichier} (SHA-256 ${f.sha256.slice(0, 12)}…)`)
      .join(", ");
    throw new PublicationError(
      `publication « ${p.id} » non reproductible : ${names}${missing.length > 3 ? ` et ${missing.length - 3} autre(s)` : ""} absent(s) de la couche brute ${rawDir(dbPath)}. ` +
        `Restaurez ce dossier depuis une sauvegarde (npm run etl ne le recrée que pour les fichiers que l'entrepôt liste).`,
      409,
    );
  }
  return files as Array<LocatedFile & { parquet: string }>;
}

/** Create `schema`.raw_<kind> as views over the given Parquet files (the columns of the warehouse's raw views). */
export async function createFileViews(
  conn: DuckDBConnection,
  schema: string,
  files: Array<{ type_fichier: string; parquet: string }>,
): Promise<void> {
  for (const kind of KINDS as readonly Kind[]) {
    const columns = rawColumns(kind);
    const list = files.filter((f) => f.type_fichier === kind).map((f) => sqlLiteral(f.parquet));
    // Paths found on disk by this code, never request text.
    const body = list.length
      ? `select ${columns.map(([c]) => c).join(", ")} from read_parquet([${list.join(", ")}])`
      : `select ${columns.map(([c, t]) => `cast(null as ${t}) as ${c}`).join(", ")} where false`;
    await conn.run(`create or replace view ${schema}.raw_${kind} as ${body}`);
  }
}
