/**
 * `npm run etl -- --export-parquet DIR`: the published warehouse as Hive-partitioned Parquet,
 * for engines other than this DuckDB file (Spark SQL, Trino, MotherDuck, or DuckDB on object
 * storage), so that a federation of landlords can run the same SQL models over all of them.
 *
 *   DIR/_manifest.json                       tables, their folder, partition column, row count
 *   DIR/raw/raw_<kind>/date_export=YYYY-MM-DD/*.parquet        the raw layer, as text
 *   DIR/raw/raw_rejects/type_fichier=<kind>/*.parquet     records the decoder could not split: line,
 *                                            column, reason, kept columns' values (never their text)
 *   DIR/reference/<table>/*.parquet          every seed of etl/seeds, etl_profile_codes, figure_definitions
 *   DIR/models/<table>/[annee=YYYY/]*.parquet every table the models keep (marts, metrics,
 *                                            intermediate tables the metrics read)
 *
 * Tables whose header says `-- config: partition_year_of = <date column>` are partitioned by
 * that column's year (`annee`), a partition column only:
 * it is in the folder names, not in the files, and not a column of the table (drop it when
 * reading back). Figures tables, which have a column `annee`, are partitioned by it. Small
 * tables are one file. Everything is zstd-compressed.
 *
 * The export is written beside DIR and renamed into place, so DIR is always a complete export.
 */
import fs from "node:fs";
import path from "node:path";
import { openDatabase, queryRows, sqlLiteral } from "../duckdb/db.ts";
import { KINDS } from "./exportSchema.ts";
import { loadModels } from "./models.ts";
import { listSeeds } from "./seeds.ts";

export interface ExportedTable {
  table: string;
  /** Folder, relative to the export folder. */
  dossier: string;
  /** Hive partition column, or null (one file). */
  partition: string | null;
  /** How the partition column is made when it is not a column of the table. */
  partition_de: string | null;
  /** SQL type of the partition column (to read it back as it was). */
  type_partition: string | null;
  /** The table's columns, in order (a partition column read back comes last otherwise). */
  colonnes: string[];
  lignes: number;
}

export interface ParquetExport {
  dossier: string;
  tables: ExportedTable[];
}

export async function exportParquet(dbPath: string, outDir: string, log: (line: string) => void = () => undefined): Promise<ParquetExport> {
  const target = path.resolve(outDir);
  const work = `${target}.en-cours-${process.pid}`;
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const db = await openDatabase(dbPath, { readOnly: true });
  const tables: ExportedTable[] = [];
  try {
    const conn = db.conn;
    const columns = async (table: string) =>
      (
        await queryRows<{ column_name: string; data_type: string }>(
          conn,
          `select column_name, data_type from information_schema.columns
           where table_name = $t and table_schema = 'main' order by ordinal_position`,
          { t: table },
        )
      ).map((r) => ({ name: r.column_name, type: r.data_type }));
    const columnType = async (table: string, column: string) => (await columns(table)).find((c) => c.name === column)?.type ?? "VARCHAR";
    const write = async (table: string, folder: string, select: string, partition: string | null, partitionOf: string | null) => {
      const [{ n }] = (await queryRows<{ n: number }>(conn, `select cast(count(*) as integer) as n from ${table}`)) as [{ n: number }];
      const dir = path.join(work, folder);
      fs.mkdirSync(path.dirname(dir), { recursive: true });
      if (partition && n > 0) {
        const source = partitionOf ? `select *, cast(year(${partitionOf}) as integer) as ${partition} from (${select})` : select;
        await conn.run(
          `copy (${source}) to ${sqlLiteral(dir)} (format parquet, compression zstd, partition_by (${partition}), filename_pattern 'part_{i}')`,
        );
      } else {
        fs.mkdirSync(dir, { recursive: true });
        await conn.run(`copy (${select}) to ${sqlLiteral(path.join(dir, "part_0.parquet"))} (format parquet, compression zstd)`);
      }
      tables.push({
        table,
        dossier: folder,
        partition: n > 0 ? partition : null,
        partition_de: n > 0 && partitionOf ? `year(${partitionOf})` : null,
        type_partition: n > 0 && partition ? (partitionOf ? "INTEGER" : await columnType(table, partition)) : null,
        colonnes: (await columns(table)).map((c) => c.name),
        lignes: n,
      });
      log(`parquet : ${table} (${n.toLocaleString("fr-FR")} ligne(s))`);
    };

    for (const kind of KINDS) {
      await write(`raw_${kind}`, path.join("raw", `raw_${kind}`), `select * from raw_${kind}`, "date_export", null);
    }
    await write("raw_rejects", path.join("raw", "raw_rejects"), `select * from raw_rejects`, "type_fichier", null);
    for (const table of [...listSeeds().map((seed) => seed.name), "etl_profile_codes", "figure_definitions"]) {
      await write(table, path.join("reference", table), `select * from ${table}`, null, null);
    }
    for (const model of loadModels().filter((m) => m.materialized === "table")) {
      const cols = (await columns(model.name)).map((c) => c.name);
      const byYear = model.partitionYearOf;
      if (cols.includes("annee")) {
        await write(model.name, path.join("models", model.name), `select * from ${model.name}`, "annee", null);
      } else if (byYear && cols.includes(byYear)) {
        await write(model.name, path.join("models", model.name), `select * from ${model.name}`, "annee", byYear);
      } else {
        await write(model.name, path.join("models", model.name), `select * from ${model.name}`, null, null);
      }
    }
  } finally {
    db.close();
  }
  fs.writeFileSync(
    path.join(work, "_manifest.json"),
    JSON.stringify({ genere_le: new Date().toISOString(), entrepot: path.resolve(dbPath), tables }, null, 2) + "\n",
  );
  fs.rmSync(target, { recursive: true, force: true });
  fs.renameSync(work, target);
  return { dossier: target, tables };
}

/**
 * The SQL to read an exported table back as the table it was: its files, with the partition
 * column of a Hive folder typed as the table had it, or dropped when it is not a column.
 */
export function readBackSql(exportDir: string, t: ExportedTable): string {
  const files = sqlLiteral(path.join(exportDir, t.dossier, "**", "*.parquet"));
  const cols = t.colonnes.map((c) => `"${c}"`).join(", ");
  if (!t.partition) return `select ${cols} from read_parquet(${files})`;
  const type = t.type_partition ?? "VARCHAR";
  return `select ${cols} from read_parquet(${files}, hive_partitioning = true, hive_types = {'${t.partition}': ${type}})`;
}
