/**
 * Bugs the reliability checks found in src/etl (owned by another change): each test states
 * the documented behaviour and fails until the fix lands. Proposed fixes in the comments.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ExportFormatError } from "../../src/errors.ts";
import { normalizeExport } from "../../src/etl/normalizeExport.ts";
import { DEFAULT_PROFILE } from "../../src/etl/profile.ts";
import { runEtl } from "../../src/etl/runEtl.ts";
import { writeOffice } from "./office.ts";
import { tempDir } from "../util/exports.ts";

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

async function decode(bytes: Buffer): Promise<unknown> {
  const dir = tempDir("oph-fiab-");
  const file = path.join(dir, "secteurs_20250101.csv");
  fs.writeFileSync(file, bytes);
  return normalizeExport(file, "secteurs_20250101.csv", "secteurs", DEFAULT_PROFILE, path.join(dir, "out.csv")).then(
    () => null,
    (e: unknown) => e,
  );
}

describe("src/etl bugs found by the reliability checks", () => {
  // normalizeExport.ts calls `utf8Decoder.decode()` (fatal) for the tail outside any
  // try/catch: a TypeError in English, with no file or line, escapes as an unexpected error.
  // Fix: wrap that final decode like the chunk decode, and fail("le fichier UTF-8 se termine au
  // milieu d'un caractère (fichier tronqué ?) : fichier refusé", physLine).
  it("refuses a UTF-8 file cut in the middle of a character with an ExportFormatError naming file and line", async () => {
    const e = await decode(
      Buffer.concat([BOM, Buffer.from("code_secteur;libelle_secteur;agence\r\nZ;Zone;A\r\nY;Th", "utf8"), Buffer.from([0xc3])]),
    );
    expect(e).toBeInstanceOf(ExportFormatError);
    expect((e as Error).message).toMatch(/^secteurs_20250101\.csv, ligne 3 : /);
  });

  // normalizeExport.ts reports `physLine`, the line where the current 1 MiB chunk's unfinished
  // text starts, not the line of the invalid byte: a small file always says "ligne 1".
  // Fix: on a decode failure, find the first invalid UTF-8 sequence in the chunk (the
  // Utf8Sniffer logic gives its offset) and report lineOfOffset(file, size + offset).
  it("names the line of the first invalid byte in a file that starts with a UTF-8 BOM", async () => {
    const e = await decode(
      Buffer.concat([
        BOM,
        Buffer.from("code_secteur;libelle_secteur;agence\r\nA;Un;X\r\nB;Deux;X\r\n", "utf8"),
        Buffer.from([0x43, 0x3b, 0xe9, 0x3b, 0x58, 0x0d, 0x0a]),
      ]),
    );
    expect(e).toBeInstanceOf(ExportFormatError);
    expect((e as Error).message).toMatch(/, ligne 4 : le fichier commence par une marque UTF-8/);
  });

  // runLock.ts: an empty lock file (a run killed between creating the lock and writing its pid)
  // is removed on the second attempt, but the loop then ends and throws "Verrou … illisible :
  // supprimez-le", so the next start after such a crash fails once. Fix: after removing a stale or
  // unreadable lock, try once more (loop three times, or `continue` after rmSync).
  it("takes over an empty lock file left by a crash at the next run", async () => {
    const dir = tempDir("oph-fiab-");
    writeOffice(path.join(dir, "exports"));
    const db = path.join(dir, "w.duckdb");
    fs.writeFileSync(`${db}.lock`, "");
    await expect(runEtl({ exportsDir: path.join(dir, "exports"), dbPath: db, log: () => undefined })).resolves.toBeTruthy();
    expect(fs.existsSync(`${db}.lock`)).toBe(false);
  });
});
