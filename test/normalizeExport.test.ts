import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ExportFormatError } from "../src/errors.ts";
import { MAX_RECORD_CHARS, normalizeExport } from "../src/etl/normalizeExport.ts";
import { DEFAULT_PROFILE } from "../src/etl/profile.ts";
import { HEADERS, tempDir, writeRaw } from "./util/exports.ts";

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
      { line: 2, column: null, reason: "2 champs au lieu de 3", keptValues: null },
      {
        line: 3,
        column: "libelle_secteur",
        reason: "guillemet au milieu d'un champ non protégé",
        keptValues: { code_secteur: "S", libelle_secteur: 'Su"d', agence: "B" },
      },
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

describe("normalizeExport: no record text in a reject or an error (issue 10)", () => {
  const SECRET = "fils incarcéré voir assistante sociale";
  const ACTIONS = HEADERS.actions.join(";");
  const row = (id: string, comment: string) => `${id};B0001;15/11/2024;RL1;AG02;;;N;${comment}`;

  async function actions(text: string, encoding: "windows-1252" | "utf-8-bom" = "windows-1252") {
    const dir = tempDir();
    const file = writeRaw(dir, "actions_20241231.csv", text, encoding);
    const out = path.join(dir, "out.csv");
    const result = await normalizeExport(file, "actions_20241231.csv", "actions", DEFAULT_PROFILE, out);
    return { result, out: fs.readFileSync(out, "utf8") };
  }

  it("keeps neither the text nor the fields of a record with a field too many", async () => {
    const { result, out } = await actions(
      `${ACTIONS}\r\n${row("A1", "fils incarcéré; voir assistante sociale")}\r\n${row("A2", "ok")}\r\n`,
    );
    expect(result.rejects).toEqual([{ line: 2, column: null, reason: "10 champs au lieu de 9", keptValues: null }]);
    expect(JSON.stringify(result)).not.toContain("incarcéré");
    expect(out).toBe(
      "ligne;id_action;num_contrat;date_action;code_action;code_agent;montant;nb_echeances;annulee\n3;A2;B0001;15/11/2024;RL1;AG02;;;N\n",
    );
  });

  /** A record refused at a column: the loaded columns' values are kept, never commentaire's text. */
  const REFUSED_AT_A_COLUMN = [
    {
      title: "keeps the loaded columns' values, never commentaire, of a record with a quote inside an unquoted comment",
      record: row("A1", `${SECRET} "urgent"`),
      column: "commentaire",
      reason: "guillemet au milieu d'un champ non protégé",
      codeAction: "RL1",
    },
    {
      title: "names the column of a character after a closing quote and keeps the others' values",
      record: `A1;B0001;15/11/2024;"RL1"x;AG02;;;N;${SECRET}`,
      column: "code_action",
      reason: "caractère après un guillemet fermant",
      codeAction: '"RL1"x',
    },
  ];
  for (const { title, record, column, reason, codeAction } of REFUSED_AT_A_COLUMN) {
    it(title, async () => {
      const { result } = await actions(`${ACTIONS}\r\n${record}\r\n`);
      expect(result.rejects).toEqual([
        {
          line: 2,
          column,
          reason,
          keptValues: {
            id_action: "A1",
            num_contrat: "B0001",
            date_action: "15/11/2024",
            code_action: codeAction,
            code_agent: "AG02",
            montant: "",
            nb_echeances: "",
            annulee: "N",
          },
        },
      ]);
      expect(JSON.stringify(result)).not.toContain("incarcéré");
    });
  }

  /** The reason of an over-long record, whatever its length: what was found, then what to do. */
  const LONG_REASON =
    /^enregistrement de [\d\s]+ caractères, au-delà de la limite de 1\s000\s000, sur 1 ligne physique, limite dépassée hors guillemets : ligne écartée, raccourcissez ce champ dans l'ERP$/;

  for (const [label, size] of [
    ["1,5 Mo", 1_500_000],
    ["10 Mo", 10_000_000],
  ] as const) {
    it(`quarantines a ${label} line with the same reason and loads the rows after it`, async () => {
      const comment = SECRET + " " + "x".repeat(size);
      const long = row("A2", comment);
      const { result, out } = await actions(`${ACTIONS}\r\n${row("A1", "ok")}\r\n${long}\r\n${row("A3", "ok")}\n${row("A4", "ok")}`);
      expect(result.rejects).toHaveLength(1);
      const [r] = result.rejects;
      expect(r).toMatchObject({ line: 3, column: "commentaire", keptValues: null });
      expect(r!.reason).toMatch(LONG_REASON);
      expect(r!.reason).toContain(`enregistrement de ${long.length.toLocaleString("fr-FR")} caractères`);
      expect(result.rowsRead).toBe(4);
      expect(
        out
          .split("\n")
          .slice(1, -1)
          .map((l) => l.split(";")[0] + ";" + l.split(";")[1]),
      ).toEqual(["2;A1", "4;A3", "5;A4"]);
    });
  }

  it("says when an over-long record runs over several lines inside quotes, and where the quote opened", async () => {
    // A quote opened by mistake at line 3 runs over 30 000 lines of 40 characters, closed at line 30 002.
    const body = Array.from({ length: 30_000 }, (_, i) => `B${i};B0001;15/11/2024;RL1;AG02;;;N;suite`).join("\r\n");
    const text = `${ACTIONS}\r\n${row("A1", "ok")}\r\nA2;B0001;15/11/2024;RL1;AG02;;;N;"${SECRET}\r\n${body}"\r\n${row("A3", "ok")}\r\n`;
    const { result, out } = await actions(text);
    expect(result.rejects).toHaveLength(1);
    expect(result.rejects[0]!.line).toBe(3);
    expect(result.rejects[0]!.column).toBe("commentaire");
    expect(result.rejects[0]!.reason).toMatch(
      /^enregistrement de [\d\s]+ caractères, au-delà de la limite de 1\s000\s000, sur 30\s001 lignes physiques \(3 à 30003\), limite dépassée dans un champ entre guillemets ouvert ligne 3 : ligne écartée, vérifiez que ce guillemet est bien refermé$/,
    );
    expect(
      out
        .split("\n")
        .slice(1, -1)
        .map((l) => l.split(";").slice(0, 2).join(";")),
    ).toEqual(["2;A1", "30004;A3"]);
  });

  it("refuses a file whose over-long quoted field is never closed, naming the line of the quote and no text", async () => {
    const err = await actions(
      `${ACTIONS}\r\n${row("A1", "ok")}\r\n${row("A2", `"${SECRET} ${"y".repeat(3_000_000)}`)}\r\n${row("A3", "ok")}\r\n`,
    ).catch((e) => e);
    expect(err).toBeInstanceOf(ExportFormatError);
    expect(err.message).toMatch(
      /^actions_20241231\.csv, ligne 3 : guillemet ouvert jamais refermé : le champ entre guillemets qui commence à cette ligne court jusqu'à la fin du fichier/,
    );
    expect(err.message).not.toContain("incarcéré");
  });

  it("refuses a short never-closed quote the same way, at the line of the quote", async () => {
    const err = await actions(`${ACTIONS}\r\n${row("A1", "ok")}\r\n${row("A2", `"${SECRET}`)}\r\n${row("A3", "ok")}\r\n`).catch((e) => e);
    expect(err).toBeInstanceOf(ExportFormatError);
    expect(err.message).toMatch(/^actions_20241231\.csv, ligne 3 : guillemet ouvert jamais refermé/);
    expect(err.message).not.toContain("incarcéré");
  });

  it("quarantines an over-long last record without a final line end, and one ending in CRLF split across chunks", async () => {
    const long = row("A2", "z".repeat(MAX_RECORD_CHARS));
    const atEnd = await actions(`${ACTIONS}\r\n${row("A1", "ok")}\r\n${long}`);
    expect(atEnd.result.rejects.map((r) => [r.line, r.column])).toEqual([[3, "commentaire"]]);
    expect(atEnd.result.rowsRead).toBe(2);
    // Just over the limit, whole inside the first 1 MiB chunk: the same rule as one cut by a chunk's end.
    const justOver = row("A2", "v".repeat(MAX_RECORD_CHARS - "A2;B0001;15/11/2024;RL1;AG02;;;N;".length + 1));
    const inChunk = await actions(`${ACTIONS}\r\n${justOver}\r\n${row("A3", "ok")}\r\n`);
    expect(inChunk.result.rejects).toHaveLength(1);
    expect(inChunk.result.rejects[0]!.reason).toMatch(
      /^enregistrement de 1\s000\s001 caractères, au-delà de la limite de 1\s000\s000, sur 1 ligne physique, limite dépassée hors guillemets/,
    );
    const atLimit = await actions(
      `${ACTIONS}\r\n${row("A2", "v".repeat(MAX_RECORD_CHARS - "A2;B0001;15/11/2024;RL1;AG02;;;N;".length))}\r\n`,
    );
    expect(atLimit.result.rejects).toEqual([]);
    // Read chunks are 1 MiB of bytes: put the CR of the long record's CRLF on a chunk's last byte.
    const head = `${ACTIONS}\r\n`;
    const pad = (1 << 21) - 1 - head.length - "A2;B0001;15/11/2024;RL1;AG02;;;N;".length;
    const split = await actions(`${head}${row("A2", "w".repeat(pad))}\r\n${row("A3", "ok")}\r\n`);
    expect(split.result.rejects.map((r) => [r.line, r.column])).toEqual([[2, "commentaire"]]);
    expect(split.out.split("\n")[1]!.split(";").slice(0, 2)).toEqual(["3", "A3"]);
  });

  it("refuses an over-long header without reading the rest", async () => {
    await expect(actions(`${"h".repeat(MAX_RECORD_CHARS + 10)};${ACTIONS}\r\n`)).rejects.toThrow(
      /actions_20241231\.csv, ligne 1 : en-tête de plus de 1\s000\s000 caractères : fichier refusé/,
    );
  });
});
