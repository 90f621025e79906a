import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ExportFormatError } from "../src/errors.ts";
import { normalizeExport } from "../src/etl/normalizeExport.ts";
import { DEFAULT_PROFILE } from "../src/etl/profile.ts";
import { tempDir, writeRaw } from "./util/exports.ts";

const HEADER = "code_secteur;libelle_secteur;agence";

async function normalise(text: string, encoding: "windows-1252" | "utf-8-bom" | "utf-8" = "windows-1252") {
  const dir = tempDir();
  const file = writeRaw(dir, "secteurs_20240101.csv", text, encoding);
  const out = path.join(dir, "out.csv");
  const result = await normalizeExport(file, "secteurs_20240101.csv", "secteurs", DEFAULT_PROFILE, out);
  return { result, out: fs.readFileSync(out, "utf8") };
}

describe("normalizeExport", () => {
  it("accepts header names in any case and order, ignores unknown columns, and numbers lines", async () => {
    const { out, result } = await normalise("Agence;EXTRA;Code_Secteur;libelle_secteur\r\nAg;x;N;Nord\r\nAg2;y;S;Sud\r\n");
    expect(out).toBe("ligne;code_secteur;libelle_secteur;agence\n2;N;Nord;Ag\n3;S;Sud;Ag2\n");
    expect(result.rowsRead).toBe(2);
    expect(result.encoding).toBe("windows-1252");
  });

  it("reads LF or CRLF, a missing final line end, and skips blank lines", async () => {
    const { out } = await normalise(`${HEADER}\nN;Nord;A\r\n\r\nS;Sud;B`);
    expect(out).toBe("ligne;code_secteur;libelle_secteur;agence\n2;N;Nord;A\n4;S;Sud;B\n");
  });

  it("decodes UTF-8 after a BOM", async () => {
    const { out, result } = await normalise(`${HEADER}\r\nN;Zoé – Nord;A\r\n`, "utf-8-bom");
    expect(result.encoding).toBe("utf-8");
    expect(out).toContain("2;N;Zoé – Nord;A\n");
  });

  it("keeps the start line of a record whose quoted field spans lines", async () => {
    const { out } = await normalise(`${HEADER}\r\nN;"Nord\r\nsuite ""x""";A\r\nS;Sud;B\r\n`);
    expect(out).toBe('ligne;code_secteur;libelle_secteur;agence\n2;N;"Nord\nsuite ""x""";A\n4;S;Sud;B\n');
  });

  it("rejects a record with the wrong number of fields or a stray quote, and goes on", async () => {
    const { out, result } = await normalise(`${HEADER}\r\nN;Nord\r\nS;Su"d;B\r\nT;Ok;C\r\n`);
    expect(result.rejects).toEqual([
      { line: 2, column: null, reason: "2 champs au lieu de 3", value: "N;Nord" },
      { line: 3, column: "agence", reason: "guillemet au milieu d'un champ non protégé", value: 'S;Su"d;B' },
    ]);
    expect(result.rowsRead).toBe(3);
    expect(out).toBe("ligne;code_secteur;libelle_secteur;agence\n4;T;Ok;C\n");
  });

  it("handles records split across read chunks", async () => {
    const rows = Array.from({ length: 60_000 }, (_, i) => `S${i};"Libellé ; n° ${i}";Agence`);
    const { out, result } = await normalise(`${HEADER}\r\n${rows.join("\r\n")}\r\n`);
    expect(result.rowsRead).toBe(60_000);
    expect(result.rejects).toEqual([]);
    expect(out.split("\n")[60_000]).toBe('60001;S59999;"Libellé ; n° 59999";Agence');
  });

  it("refuses binary data with the line where it is", async () => {
    const dir = tempDir();
    const file = path.join(dir, "secteurs_20240101.csv");
    fs.writeFileSync(file, Buffer.concat([Buffer.from(`${HEADER}\r\nN;Nord;A\r\nS;`), Buffer.from([0, 1, 2]), Buffer.from(";B\r\n")]));
    const err = await normalizeExport(file, "secteurs_20240101.csv", "secteurs", DEFAULT_PROFILE, path.join(dir, "o.csv")).catch((e) => e);
    expect(err).toBeInstanceOf(ExportFormatError);
    expect(err.message).toBe("secteurs_20240101.csv, ligne 3 : données binaires (octet nul) : fichier refusé");
  });

  it("refuses a duplicated column", async () => {
    await expect(normalise("code_secteur;CODE_SECTEUR;libelle_secteur;agence\r\n")).rejects.toThrow(
      /ligne 1, colonne CODE_SECTEUR : colonne « CODE_SECTEUR » en double/,
    );
  });
});
