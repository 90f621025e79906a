/**
 * Bad input: a generated corpus of broken export files, one or more per rule of
 * etl/models/staging/EXPORT_FORMAT.md, each with the outcome the format documents: the file refused
 * whole with an error naming the file (and the line where there is one), or the file
 * loaded with exactly the expected rows in quarantine (line, column, reason). Deterministic:
 * the same files, byte for byte, at every run; never committed as files.
 */
import fs from "node:fs";
import path from "node:path";
import iconv from "iconv-lite";
import { AppError, ExportFormatError } from "../../src/errors.ts";
import { EtlRunError, runEtl } from "../../src/etl/runEtl.ts";
import { copyWarehouse } from "../../src/etl/rawLayer.ts";
import { queryRows } from "../../src/duckdb/db.ts";
import { openWarehouse } from "../../src/warehouse/warehouse.ts";
import { figuresSnapshot, sha256, writeOffice } from "./office.ts";
import { HEADERS, quoteField, tempDir, type ExportKind } from "../util/exports.ts";
import { line, type CheckLine } from "./table.ts";
import { findTextInWarehouse } from "./warehouseTextSearch.ts";

const FAMILY = "Entrées invalides";
/** The quarantine reason of an over-long record (normalizeExport.ts), whatever its length. */
const LONG_RECORD =
  /^enregistrement de [\d\s]+ caractères, au-delà de la limite de 1\s000\s000, sur 1 ligne physique, limite dépassée hors guillemets : ligne écartée/;
const KINDS = Object.keys(HEADERS) as ExportKind[];

export interface ExpectedBad {
  line: number;
  /** null: the reader's structural reject (no column); undefined: any column. */
  column?: string | null;
  reason: string | RegExp;
}

export type Outcome =
  { refused: true; message: RegExp; line: boolean } | { refused: false; rows: number; bad: ExpectedBad[]; goodKeys: string[] };

export interface CorpusFile {
  name: string;
  kind: ExportKind | null;
  rule: string;
  bytes: Buffer;
  outcome: Outcome;
}

const pad = (n: number, w = 4) => String(n).padStart(w, "0");
const lease = (i: number) => `B${pad(1 + (i % 40))}`;

/** A valid row of each kind, keyed `key`. */
function goodRow(kind: ExportKind, key: string, i: number): string[] {
  switch (kind) {
    case "secteurs":
      return [key, `Secteur ${key}`, "Agence de Mulhouse"];
    case "agents":
      return [key, "CESF", "N"];
    case "baux":
      return [key, `L-${key}`, "N", "Colmar", "01/03/2024", "", "", "CDI", "1", "N", "300,00", "50,00"];
    case "ecritures":
      return [key, lease(i), "01/02/2024", "02/2024", "FRP", "Frais d’huissier", "10,00", "", ""];
    case "actions":
      return [key, lease(i), "01/02/2024", "RL1", "AG01", "", "", "N", "commentaire libre ; personnel"];
  }
}

const enc = (text: string, encoding: "cp1252" | "utf8" | "utf8bom" = "cp1252") =>
  encoding === "cp1252"
    ? iconv.encode(text, "win1252")
    : encoding === "utf8"
      ? Buffer.from(text, "utf8")
      : Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]);

const join = (lines: string[], eol = "\r\n", finalEol = true) => lines.join(eol) + (finalEol ? eol : "");
const rowText = (cells: string[]) => cells.map(quoteField).join(";");

/** Deterministic pseudo-random bytes (mulberry32). */
function prng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Mutation {
  kind: ExportKind;
  column: string;
  value: string;
  reason: string;
  /** Other cells to set with it (e.g. empty the debit when the credit is bad). */
  with?: Record<string, string>;
  rule: string;
}

const m = (kind: ExportKind, column: string, values: string[], reason: string, rule: string, w?: Record<string, string>): Mutation[] =>
  values.map((value) => ({ kind, column, value, reason, rule, with: w }));

/** Every row-level rule of the format, as a value that breaks it. */
export const MUTATIONS: Mutation[] = [
  ...m(
    "ecritures",
    "date_ecriture",
    ["31/02/2024", "00/01/2024", "32/01/2024", "2024-01-15", "15/13/2024", "29/02/2023", "aa/bb/cccc", "01/02/24", "1/2/2024"],
    "date invalide",
    "date impossible",
  ),
  ...m("ecritures", "date_ecriture", [""], "date manquante", "date manquante"),
  ...m("ecritures", "periode", ["13/2024", "00/2024", "2024-02", "février"], "période invalide (mm/aaaa attendu)", "période impossible"),
  ...m(
    "ecritures",
    "debit",
    ["10.00", "1.234,56", "1O,00", "dix", "10,0a", "10,999", "1,2,3"],
    "montant invalide",
    "montant avec un point ou des lettres",
  ),
  ...m("ecritures", "credit", ["10.50", "abc"], "montant invalide", "montant avec un point ou des lettres", { debit: "" }),
  ...m("ecritures", "debit", ["-10,00"], "montant négatif", "montant négatif"),
  ...m("ecritures", "credit", ["5,00"], "débit et crédit renseignés tous deux", "débit et crédit tous deux"),
  ...m("ecritures", "debit", ["", "0,00"], "ni débit ni crédit", "ni débit ni crédit"),
  ...m("ecritures", "code_mouvement", ["ZZZ", "Q L", "QLX", "LOYER"], "code mouvement inconnu", "code inconnu"),
  ...m("ecritures", "mode_reglement", ["BITCOIN", "CARTE"], "mode de règlement inconnu", "code inconnu"),
  ...m("ecritures", "num_contrat", ["B9999", "INCONNU"], "bail inconnu", "bail inconnu"),
  ...m("ecritures", "num_contrat", [""], "bail manquant", "clé ou référence manquante"),
  ...m("ecritures", "id_ecriture", ["", "   "], "clé manquante", "clé ou référence manquante"),
  ...m("baux", "date_entree", ["31/04/2024", "2024-03-01", "30/02/2024"], "date invalide", "date impossible"),
  ...m("baux", "date_entree", [""], "date d'entrée manquante", "date manquante"),
  ...m("baux", "date_sortie", ["31/06/2024"], "date invalide", "date impossible"),
  ...m("baux", "date_sortie", ["01/01/2019"], "date de sortie antérieure à la date d'entrée", "date impossible"),
  ...m("baux", "motif_sortie", ["FUITE"], "motif de sortie inconnu", "code inconnu"),
  ...m("baux", "situation_emploi_entree", ["PDG"], "situation d'emploi inconnue", "code inconnu"),
  ...m("baux", "nb_occupants", ["deux", "2,5"], "entier invalide", "entier invalide"),
  ...m("baux", "beneficiaire_apl", ["X", "oui", "1"], "booléen invalide (O ou N attendu)", "booléen invalide"),
  ...m("baux", "loyer_mensuel", ["400.00", "4OO,00", "quatre cents"], "montant invalide", "montant avec un point ou des lettres"),
  ...m("baux", "loyer_mensuel", ["-400,00"], "montant négatif", "montant négatif"),
  ...m("baux", "charges_mensuelles", ["100.50"], "montant invalide", "montant avec un point ou des lettres"),
  ...m("baux", "code_secteur", ["ZZ"], "secteur inconnu", "secteur inconnu"),
  ...m("baux", "num_contrat", [""], "clé manquante", "clé ou référence manquante"),
  ...m("actions", "date_action", ["31/11/2024", "2024-11-01"], "date invalide", "date impossible"),
  ...m("actions", "date_action", [""], "date manquante", "date manquante"),
  ...m("actions", "code_action", ["XXX", "RL9"], "code action inconnu", "code inconnu"),
  ...m("actions", "num_contrat", ["B9999"], "bail inconnu", "bail inconnu"),
  ...m("actions", "montant", ["1.500,00", "mille"], "montant invalide", "montant avec un point ou des lettres"),
  ...m("actions", "nb_echeances", ["dix"], "entier invalide", "entier invalide"),
  ...m("actions", "annulee", ["Z"], "booléen invalide (O ou N attendu)", "booléen invalide"),
  ...m("actions", "id_action", [""], "clé manquante", "clé ou référence manquante"),
  ...m("agents", "role", ["CHEF"], "rôle inconnu", "code inconnu"),
  ...m("agents", "code_agent", [""], "clé manquante", "clé ou référence manquante"),
  ...m("secteurs", "code_secteur", [""], "clé manquante", "clé ou référence manquante"),
];

/** Rows that stay under the 1 % refusal share with one bad row: 120 good rows. */
const FILLER = 120;

export function generateCorpus(): CorpusFile[] {
  const files: CorpusFile[] = [];
  let day = 0;
  const nextName = (kind: string) => {
    const d = new Date(Date.UTC(2025, 0, 1 + day++));
    return `${kind}_${d.toISOString().slice(0, 10).replace(/-/g, "")}.csv`;
  };
  const tagOf = () => `C${pad(files.length, 3)}`;
  const refuse = (kind: ExportKind | null, rule: string, bytes: Buffer, message: RegExp, hasLine = true, name?: string) =>
    files.push({ name: name ?? nextName(kind ?? "baux"), kind, rule, bytes, outcome: { refused: true, message, line: hasLine } });

  /** A file of `n` good rows keyed `<tag>-<i>`, with `edit` applied to the rows, written as text lines. */
  const accepted = (
    kind: ExportKind,
    rule: string,
    build: (tag: string) => { lines: string[]; rows: number; bad: ExpectedBad[]; goodKeys: string[] },
    encoding: "cp1252" | "utf8bom" = "cp1252",
  ) => {
    const tag = tagOf();
    const b = build(tag);
    files.push({
      name: nextName(kind),
      kind,
      rule,
      bytes: enc(b.lines.join(""), encoding),
      outcome: { refused: false, rows: b.rows, bad: b.bad, goodKeys: b.goodKeys },
    });
  };
  const goodRows = (kind: ExportKind, tag: string, n = FILLER) => Array.from({ length: n }, (_, i) => goodRow(kind, `${tag}-${i}`, i));
  const headerLine = (kind: ExportKind) => HEADERS[kind].join(";") + "\r\n";

  // --- Rows to quarantine: one bad row among 120 good ones, each rule of the format.
  for (const mu of MUTATIONS) {
    accepted(mu.kind, mu.rule, (tag) => {
      const rows = goodRows(mu.kind, tag);
      const at = 37;
      const bad = [...rows[at]!];
      const cols = HEADERS[mu.kind] as readonly string[];
      bad[cols.indexOf(mu.column)] = mu.value;
      for (const [c, v] of Object.entries(mu.with ?? {})) bad[cols.indexOf(c)] = v;
      rows[at] = bad;
      const goodKeys = rows.filter((_, i) => i !== at).map((r) => r[0]!);
      return {
        lines: [headerLine(mu.kind), ...rows.map((r) => rowText(r) + "\r\n")],
        rows: rows.length,
        bad: [{ line: at + 2, column: mu.column, reason: mu.reason }],
        goodKeys,
      };
    });
  }

  // --- Duplicate keys inside one file: the line above is quarantined, the lower one wins.
  for (const kind of KINDS) {
    accepted(kind, "clé en double dans un fichier", (tag) => {
      const rows = goodRows(kind, tag);
      rows.push([...rows[10]!]);
      return {
        lines: [headerLine(kind), ...rows.map((r) => rowText(r) + "\r\n")],
        rows: rows.length,
        bad: [{ line: 12, column: HEADERS[kind][0], reason: "clé répétée plus bas dans le même fichier" }],
        goodKeys: rows.slice(0, -1).map((r) => r[0]!),
      };
    });
  }

  // --- Records the reader cannot split into the header's columns.
  for (const kind of KINDS) {
    const n = HEADERS[kind].length;
    for (const [what, cells] of [
      ["un champ de moins", (r: string[]) => r.slice(0, -1)],
      ["un champ de plus", (r: string[]) => [...r, "en trop"]],
      ["vingt champs de plus", (r: string[]) => [...r, ...Array(20).fill("x")]],
    ] as const) {
      accepted(kind, "nombre de champs faux", (tag) => {
        const rows = goodRows(kind, tag);
        const at = 50;
        const broken = cells(rows[at]!);
        return {
          lines: [headerLine(kind), ...rows.map((r, i) => rowText(i === at ? broken : r) + "\r\n")],
          rows: rows.length,
          bad: [{ line: at + 2, column: null, reason: `${broken.length} champ${broken.length > 1 ? "s" : ""} au lieu de ${n}` }],
          goodKeys: rows.filter((_, i) => i !== at).map((r) => r[0]!),
        };
      });
      void what;
    }
  }
  for (const [kind, raw, reason] of [
    ["ecritures", (k: string) => `${k};B0001;01/02/2024;02/2024;FRP;Frais "urgents";10,00;;`, "guillemet au milieu d'un champ non protégé"],
    ["baux", (k: string) => `${k};L;N;Col"mar;01/03/2024;;;CDI;1;N;300,00;50,00`, "guillemet au milieu d'un champ non protégé"],
    ["ecritures", (k: string) => `${k};B0001;01/02/2024;02/2024;FRP;"Frais"x;10,00;;`, "caractère après un guillemet fermant"],
    ["actions", (k: string) => `${k};B0001;01/02/2024;"RL1" ;AG01;;;N;`, "caractère après un guillemet fermant"],
  ] as const) {
    accepted(kind, "guillemets déséquilibrés dans une ligne", (tag) => {
      const rows = goodRows(kind, tag);
      const at = 20;
      return {
        lines: [headerLine(kind), ...rows.map((r, i) => (i === at ? raw(`${tag}-X`) : rowText(r)) + "\r\n")],
        rows: rows.length,
        bad: [{ line: at + 2, column: undefined, reason }],
        goodKeys: rows.filter((_, i) => i !== at).map((r) => r[0]!),
      };
    });
  }

  // --- Very long lines and fields.
  accepted("ecritures", "ligne très longue (plus d'un million de caractères)", (tag) => {
    const rows = goodRows("ecritures", tag);
    const at = 30;
    rows[at]![5] = "x".repeat(1_000_050);
    return {
      lines: [headerLine("ecritures"), ...rows.map((r) => rowText(r) + "\r\n")],
      rows: rows.length,
      bad: [{ line: at + 2, column: "libelle", reason: LONG_RECORD }],
      goodKeys: rows.filter((_, i) => i !== at).map((r) => r[0]!),
    };
  });
  // One rule whatever the length: a 3.2 million character line at the end of the file, without
  // a final line end, is quarantined like the one above (it used to refuse the file).
  accepted("ecritures", "ligne démesurée sans fin de ligne, en fin de fichier", (tag) => {
    const rows = goodRows("ecritures", tag);
    return {
      lines: [headerLine("ecritures"), ...rows.map((r) => rowText(r) + "\r\n"), `${tag}-X;B0001;` + "y".repeat(3_200_000)],
      rows: rows.length + 1,
      bad: [{ line: rows.length + 2, column: "date_ecriture", reason: LONG_RECORD }],
      goodKeys: rows.map((r) => r[0]!),
    };
  });
  for (const size of [10_000, 200_000, 900_000]) {
    accepted("ecritures", "champ très long (accepté sous la limite)", (tag) => {
      const rows = goodRows("ecritures", tag);
      rows[5]![5] = "Libellé ".repeat(size / 8);
      return {
        lines: [headerLine("ecritures"), ...rows.map((r) => rowText(r) + "\r\n")],
        rows: rows.length,
        bad: [],
        goodKeys: rows.map((r) => r[0]!),
      };
    });
  }

  // --- Truncated files, missing final line end, header only, blank lines, line ends.
  for (const kind of KINDS) {
    accepted(kind, "fichier tronqué au milieu de la dernière ligne", (tag) => {
      const rows = goodRows(kind, tag);
      const last = rowText(rows.at(-1)!);
      // Cut inside the second field: the last record has 2 fields, whatever the kind.
      const cut = last.split(";")[0] + ";" + last.split(";")[1]!.slice(0, 2);
      return {
        lines: [headerLine(kind), ...rows.slice(0, -1).map((r) => rowText(r) + "\r\n"), cut],
        rows: rows.length,
        bad: [{ line: rows.length + 1, column: null, reason: `2 champs au lieu de ${HEADERS[kind].length}` }],
        goodKeys: rows.slice(0, -1).map((r) => r[0]!),
      };
    });
    accepted(kind, "pas de fin de ligne finale", (tag) => {
      const rows = goodRows(kind, tag, 5);
      return {
        lines: [headerLine(kind), join(rows.map(rowText), "\r\n", false)],
        rows: rows.length,
        bad: [],
        goodKeys: rows.map((r) => r[0]!),
      };
    });
    accepted(kind, "en-tête seul", () => ({ lines: [headerLine(kind)], rows: 0, bad: [], goodKeys: [] }));
    accepted(kind, "en-tête seul sans fin de ligne", () => ({ lines: [HEADERS[kind].join(";")], rows: 0, bad: [], goodKeys: [] }));
    accepted(kind, "fins de ligne LF et lignes vides", (tag) => {
      const rows = goodRows(kind, tag, 6);
      return {
        lines: [HEADERS[kind].join(";") + "\n", rows.map(rowText).join("\n\n") + "\n\n"],
        rows: rows.length,
        bad: [],
        goodKeys: rows.map((r) => r[0]!),
      };
    });
    accepted(
      kind,
      "UTF-8 avec BOM, colonnes en désordre, en majuscules, colonne inconnue en plus",
      (tag) => {
        const rows = goodRows(kind, tag, 6);
        const order = [...HEADERS[kind].keys()].reverse();
        const header = [...order.map((i) => HEADERS[kind][i]!.toUpperCase()), "colonne_inconnue"];
        return {
          lines: [header.join(";") + "\r\n", ...rows.map((r) => rowText([...order.map((i) => r[i]!), "ignorée"]) + "\r\n")],
          rows: rows.length,
          bad: [],
          goodKeys: rows.map((r) => r[0]!),
        };
      },
      "utf8bom",
    );
  }

  // --- Mixed encodings that Windows-1252 can still decode: read as Windows-1252 (the default).
  for (const kind of ["secteurs", "ecritures"] as const) {
    const tag = tagOf();
    const rows = goodRows(kind, tag, 4);
    if (kind === "secteurs") rows[0]![1] = "Zone d’activité";
    const bytes = Buffer.concat([
      enc(headerLine(kind) + rowText(rows[0]!) + "\r\n"),
      Buffer.from(rowText(rows[1]!).replace(/Secteur|Frais/, "Théâtre") + "\r\n", "utf8"),
      enc(
        rows
          .slice(2)
          .map((r) => rowText(r) + "\r\n")
          .join(""),
      ),
    ]);
    files.push({
      name: nextName(kind),
      kind,
      rule: "encodages mêlés (UTF-8 dans un fichier Windows-1252, décodable)",
      bytes,
      outcome: { refused: false, rows: 4, bad: [], goodKeys: rows.map((r) => r[0]!) },
    });
  }

  // ===== Files refused whole.
  const fileRe = (name: string) => name.replace(/[.]/g, "\\.");
  // Missing required columns: every column of every kind.
  for (const kind of KINDS) {
    for (const col of HEADERS[kind]) {
      if (col === "commentaire") continue; // never loaded, not required
      const header = HEADERS[kind].filter((c) => c !== col);
      const name = nextName(kind);
      refuse(
        kind,
        "colonne obligatoire manquante",
        enc(
          join([
            header.join(";"),
            goodRow(kind, "K", 0)
              .filter((_, i) => HEADERS[kind][i] !== col)
              .join(";"),
          ]),
        ),
        new RegExp(`^${fileRe(name)}, ligne 1, colonne ${col} : l'en-tête ne contient pas la colonne obligatoire « ${col} »`),
        true,
        name,
      );
    }
  }
  // Duplicated columns (same name, or differing only by case).
  for (const kind of KINDS) {
    for (const [i, upper] of [
      [0, false],
      [1, true],
    ] as const) {
      const col = HEADERS[kind][i]!;
      const name = nextName(kind);
      refuse(
        kind,
        "colonne en double",
        enc(join([[...HEADERS[kind], upper ? col.toUpperCase() : col].join(";")])),
        new RegExp(
          `^${fileRe(name)}, ligne 1, colonne ${upper ? col.toUpperCase() : col} : colonne « ${upper ? col.toUpperCase() : col} » en double`,
          "i",
        ),
        true,
        name,
      );
    }
  }
  // Bytes Windows-1252 leaves undefined, at a known line.
  for (const [k, byte] of [0x81, 0x8d, 0x8f, 0x90, 0x9d].entries()) {
    for (const kind of ["ecritures", "baux"] as const) {
      const name = nextName(kind);
      const rows = goodRows(kind, "U", 8).map(rowText);
      const lineNo = 3 + k;
      const bytes = Buffer.concat([
        enc(join([HEADERS[kind].join(";"), ...rows.slice(0, lineNo - 2)])),
        Buffer.from([0x41, byte, 0x42, 0x0d, 0x0a]),
        enc(join(rows.slice(lineNo - 2))),
      ]);
      refuse(
        kind,
        "octets hors Windows-1252 (mauvais encodage)",
        bytes,
        new RegExp(`^${fileRe(name)}, ligne ${lineNo} : octet 0x${byte.toString(16)} absent de Windows-1252`),
        true,
        name,
      );
    }
  }
  // Binary data, UTF-16.
  for (let s = 0; s < 4; s++) {
    const rnd = prng(1000 + s);
    const garbage = Buffer.from(Array.from({ length: 4096 }, () => Math.floor(rnd() * 256)));
    garbage[100 + s] = 0;
    const name = nextName(KINDS[s % 5]!);
    refuse(
      KINDS[s % 5]!,
      "données binaires",
      Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), garbage]),
      new RegExp(`^${fileRe(name)}, ligne \\d+ : (données binaires \\(octet nul\\)|octet 0x[0-9a-f]+ absent de Windows-1252)`),
      true,
      name,
    );
  }
  for (const kind of ["baux", "ecritures"] as const) {
    const name = nextName(kind);
    refuse(
      kind,
      "données binaires",
      Buffer.concat([enc(join([HEADERS[kind].join(";"), rowText(goodRow(kind, "Z", 0))])), Buffer.from([0, 0, 0, 0, 0x0d, 0x0a])]),
      new RegExp(`^${fileRe(name)}, ligne 3 : données binaires \\(octet nul\\)`),
      true,
      name,
    );
    const name16 = nextName(kind);
    refuse(
      kind,
      "mauvais encodage (UTF-16)",
      Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(join([HEADERS[kind].join(";")]), "utf16le")]),
      new RegExp(`^${fileRe(name16)}, ligne 1 : (données binaires \\(octet nul\\)|octet 0x[0-9a-f]+ absent)`),
      true,
      name16,
    );
  }
  // UTF-8 without a BOM.
  for (const kind of KINDS) {
    const name = nextName(kind);
    refuse(
      kind,
      "UTF-8 sans BOM",
      enc(join([HEADERS[kind].join(";"), rowText(goodRow(kind, "Zoé–’", 0))]), "utf8"),
      new RegExp(`^${fileRe(name)} : le fichier est encodé en UTF-8 sans marque`),
      false,
      name,
    );
  }
  // A BOM, then bytes that are not UTF-8 (mixed encodings): the line of the bad byte.
  for (const [k, kind] of KINDS.entries()) {
    const name = nextName(kind);
    const rows = goodRows(kind, "M", 6).map(rowText);
    const lineNo = 2 + k;
    const bytes = Buffer.concat([
      enc(join([HEADERS[kind].join(";"), ...rows.slice(0, lineNo - 2)]), "utf8bom"),
      iconv.encode("Théâtre ;", "win1252"),
      enc(join(rows.slice(lineNo - 2)), "utf8"),
    ]);
    refuse(
      kind,
      "encodages mêlés (BOM UTF-8 puis Windows-1252)",
      bytes,
      new RegExp(`^${fileRe(name)}, ligne ${lineNo} : le fichier commence par une marque UTF-8 mais contient des octets invalides`),
      true,
      name,
    );
  }
  // A BOM file cut in the middle of a multi-byte character (a truncated UTF-8 file).
  for (const kind of ["secteurs", "ecritures"] as const) {
    const name = nextName(kind);
    const text = join([HEADERS[kind].join(";"), rowText(goodRow(kind, "T", 0)), "Té"], "\r\n", false);
    const full = enc(text, "utf8bom");
    refuse(
      kind,
      "fichier UTF-8 tronqué au milieu d'un caractère",
      full.subarray(0, full.length - 1),
      new RegExp(`^${fileRe(name)}, ligne 3 : `),
      true,
      name,
    );
  }
  // Quotes never closed (and a file truncated inside a quoted field).
  for (const [k, kind] of KINDS.entries()) {
    const name = nextName(kind);
    // No other quote in the file (the actions' commentaire would hold one): this one never closes.
    const rows = goodRows(kind, "Q", 10).map((r) => rowText(kind === "actions" ? [...r.slice(0, -1), "commentaire"] : r));
    const lineNo = 3 + k;
    rows[lineNo - 2] = `"${rows[lineNo - 2]}`;
    refuse(
      kind,
      "guillemet jamais refermé",
      enc(join([HEADERS[kind].join(";"), ...rows])),
      new RegExp(`^${fileRe(name)}, ligne ${lineNo} : guillemet ouvert jamais refermé`),
      true,
      name,
    );
    const nameT = nextName(kind);
    const cut = rowText(goodRow(kind, "QT", 0)).split(";");
    refuse(
      kind,
      "fichier tronqué dans un champ entre guillemets",
      enc(join([HEADERS[kind].join(";"), rowText(goodRow(kind, "QT1", 1))]) + `${cut[0]};"texte coupé`),
      new RegExp(`^${fileRe(nameT)}, ligne 3 : guillemet ouvert jamais refermé`),
      true,
      nameT,
    );
  }
  // Empty files, blank-only files, a record too long to be buffered.
  for (const kind of KINDS) {
    const name = nextName(kind);
    refuse(kind, "fichier vide", Buffer.alloc(0), new RegExp(`^${fileRe(name)}, ligne 1 : fichier vide`), true, name);
  }
  for (const kind of ["baux", "actions"] as const) {
    const name = nextName(kind);
    refuse(
      kind,
      "fichier sans en-tête (lignes vides)",
      enc("\r\n\r\n   \r\n"),
      new RegExp(`^${fileRe(name)}, ligne 1 : fichier sans en-tête`),
      true,
      name,
    );
  }
  {
    // Only a quote never closed refuses a file with an over-long record, at the quote's line.
    const name = nextName("ecritures");
    refuse(
      "ecritures",
      "guillemet jamais refermé dans une ligne démesurée",
      enc(
        HEADERS.ecritures.join(";") +
          "\r\n" +
          'E1;B0001;01/02/2024;02/2024;FRP;"' +
          "y".repeat(3_200_000) +
          "\r\nE2;B0001;01/02/2024;02/2024;FRP;ok;10,00;;\r\n",
      ),
      new RegExp(`^${fileRe(name)}, ligne 2 : guillemet ouvert jamais refermé`),
      true,
      name,
    );
  }
  // More than 1 % of bad rows: refused, with examples naming lines.
  for (const [k, mu] of MUTATIONS.filter((_, i) => i % 6 === 0).entries()) {
    const name = nextName(mu.kind);
    const rows = goodRows(mu.kind, `R${k}`, 5);
    const cols = HEADERS[mu.kind] as readonly string[];
    rows[2]![cols.indexOf(mu.column)] = mu.value;
    for (const [c, v] of Object.entries(mu.with ?? {})) rows[2]![cols.indexOf(c)] = v;
    refuse(
      mu.kind,
      "plus de 1 % de lignes illisibles",
      enc(join([cols.join(";"), ...rows.map(rowText)])),
      new RegExp(
        `^${fileRe(name)} : 1 ligne\\(s\\) illisible\\(s\\) sur 5 \\(20 %\\), au-delà du seuil de 1 % .*Exemples : ligne 4, colonne ${mu.column} : ${mu.reason.replace(/[()]/g, "\\$&")}`,
      ),
      true,
      name,
    );
  }
  // File names (impossible dates, other shapes, unknown kinds) no longer fail a run: such a file
  // is left aside ("ignoré") and the run goes on. test/reliability/inbox.ts probes those names.
  return files;
}

const MART: Record<ExportKind, [string, string]> = {
  secteurs: ["sectors", "code_secteur"],
  agents: ["staff", "code_agent"],
  baux: ["leases", "num_contrat"],
  ecritures: ["ledger_entries", "id_ecriture"],
  actions: ["recovery_actions", "id_action"],
};

/** The ETL's error, classified: a documented one (EtlRunError caused by an AppError) or a crash. */
function classify(e: unknown): { documented: boolean; message: string; cause: string } {
  const cause = e instanceof EtlRunError ? e.cause : e;
  const documented = e instanceof EtlRunError && cause instanceof AppError;
  return { documented, message: (e as Error)?.message ?? String(e), cause: (cause as Error)?.name ?? typeof cause };
}

export interface CorpusOptions {
  /** All refused files (check:reliability) or one per rule (npm test). */
  full: boolean;
  log?: (l: string) => void;
}

export async function checkCorpus(o: CorpusOptions): Promise<CheckLine[]> {
  const log = o.log ?? (() => undefined);
  const corpus = generateCorpus();
  const broken = corpus.filter((f) => !/accepté sous la limite|UTF-8 avec BOM, colonnes|fins de ligne LF/.test(f.rule));
  const base = tempDir("oph-corpus-");
  const baseExports = path.join(base, "exports");
  writeOffice(baseExports);
  const w0 = path.join(base, "w0.duckdb");
  await runEtl({ exportsDir: baseExports, dbPath: w0, log: () => undefined });
  const sha0 = sha256(w0);
  const f0 = await figuresSnapshot(w0);

  const crash: Array<string | null> = [];
  const outcomeOk: Array<string | null> = [];
  const balance: Array<string | null> = [];
  const noFigureChange: Array<string | null> = [];

  // 1. Every file expected to load, in one run: exact quarantine rows, rows balance, marts.
  const accepted = corpus.filter((f) => !f.outcome.refused);
  const accDir = path.join(base, "accepted");
  fs.cpSync(baseExports, path.join(accDir, "exports"), { recursive: true });
  for (const f of accepted) fs.writeFileSync(path.join(accDir, "exports", f.name), f.bytes);
  const accDb = path.join(accDir, "w.duckdb");
  copyWarehouse(w0, accDb);
  let runError: unknown = null;
  // settleSeconds 0: these files were just written here, complete (no stability delay to wait)
  await runEtl({ exportsDir: path.join(accDir, "exports"), dbPath: accDb, log: () => undefined, settleSeconds: 0 }).catch(
    (e: unknown) => (runError = e),
  );
  if (runError) {
    const c = classify(runError);
    for (const f of accepted) {
      crash.push(c.documented ? null : `${f.name} : ${c.cause} ${c.message}`);
      outcomeOk.push(`${f.name} (${f.rule}) : chargement des fichiers acceptables en échec : ${c.message.slice(0, 300)}`);
      balance.push(`${f.name} : non chargé`);
    }
  } else {
    const wh = await openWarehouse(accDb);
    try {
      const runFiles = new Map(
        (
          await queryRows<{ fichier: string; statut: string; lues: number; chargees: number; quarantaine: number }>(
            wh.conn,
            `select fichier, statut, lignes_lues as lues, lignes_chargees as chargees, lignes_quarantaine as quarantaine
           from etl_run_files where run_id = (select run_id from etl_runs order by fin desc limit 1)`,
          )
        ).map((r) => [r.fichier, r]),
      );
      for (const f of accepted) {
        const exp = f.outcome as Extract<Outcome, { refused: false }>;
        const kind = f.kind!;
        crash.push(null);
        const rf = runFiles.get(f.name);
        const [raw] = await queryRows<{ n: number }>(wh.conn, `select cast(count(*) as integer) as n from raw_${kind} where fichier = $f`, {
          f: f.name,
        });
        const [rej] = await queryRows<{ n: number }>(wh.conn, `select cast(count(*) as integer) as n from raw_rejects where fichier = $f`, {
          f: f.name,
        });
        const q = await queryRows<{ ligne: number; colonne: string | null; motif: string }>(
          wh.conn,
          `select ligne, colonne, motif from quarantine where fichier = $f order by ligne`,
          { f: f.name },
        );
        const [mart, key] = MART[kind];
        const tag = exp.goodKeys[0]?.split("-")[0] ?? "∅";
        const inMart = (
          await queryRows<{ k: string }>(wh.conn, `select ${key} as k from ${mart} where ${key} like $p`, { p: `${tag}-%` })
        ).map((r) => r.k);
        // Rows read = rows loaded + rows quarantined, each counted independently.
        const b: string[] = [];
        if (!rf) b.push("absent de etl_run_files");
        else {
          if (rf.lues !== exp.rows) b.push(`lignes lues ${rf.lues} ≠ ${exp.rows} écrites`);
          if (rf.lues !== raw!.n + rej!.n) b.push(`lignes lues ${rf.lues} ≠ ${raw!.n} chargées en brut + ${rej!.n} rejetées`);
          if (rf.chargees + rf.quarantaine !== rf.lues)
            b.push(`${rf.chargees} chargées + ${rf.quarantaine} en quarantaine ≠ ${rf.lues} lues`);
          if (rf.quarantaine !== q.length) b.push(`quarantaine ${rf.quarantaine} ≠ ${q.length} lignes de la table quarantine`);
          if (rf.chargees !== exp.rows - exp.bad.length)
            b.push(`${rf.chargees} chargées au lieu de ${exp.rows - exp.bad.length} valides écrites`);
        }
        balance.push(b.length ? `${f.name} (${f.rule}) : ${b.join(", ")}` : null);
        const o2: string[] = [];
        if (rf && rf.statut !== "chargé") o2.push(`statut ${rf.statut}`);
        const expBad = exp.bad;
        if (q.length !== expBad.length)
          o2.push(`${q.length} ligne(s) en quarantaine au lieu de ${expBad.length} : ${JSON.stringify(q).slice(0, 200)}`);
        else
          expBad.forEach((e, i) => {
            const got = q[i]!;
            const reasonOk = typeof e.reason === "string" ? got.motif === e.reason : e.reason.test(got.motif);
            if (got.ligne !== e.line || !reasonOk || (e.column !== undefined && got.colonne !== e.column)) {
              o2.push(
                `attendu ligne ${e.line}, colonne ${e.column}, « ${e.reason} » ; obtenu ligne ${got.ligne}, colonne ${got.colonne}, « ${got.motif} »`,
              );
            }
          });
        const want = [...new Set(exp.goodKeys)].sort();
        const got = [...new Set(inMart)].sort();
        if (JSON.stringify(want) !== JSON.stringify(got)) o2.push(`${got.length} clé(s) dans ${mart} au lieu de ${want.length}`);
        outcomeOk.push(o2.length ? `${f.name} (${f.rule}) : ${o2.join(" ; ")}` : null);
      }
    } finally {
      wh.close();
    }
  }
  log(`[corpus] ${accepted.length} fichiers acceptables chargés en un passage${runError ? " : ÉCHEC" : ""}`);

  // 2. Files refused whole, each alone beside the office: documented error, nothing published.
  let refused = corpus.filter((f) => f.outcome.refused);
  if (!o.full) {
    const seen = new Set<string>();
    refused = refused.filter((f) => (seen.has(f.rule) ? false : (seen.add(f.rule), true)));
  }
  const refDir = path.join(base, "refused");
  const refExports = path.join(refDir, "exports");
  fs.cpSync(baseExports, refExports, { recursive: true });
  const refDb = path.join(refDir, "w.duckdb");
  copyWarehouse(w0, refDb);
  for (const f of refused) {
    const exp = f.outcome as Extract<Outcome, { refused: true }>;
    const file = path.join(refExports, f.name);
    fs.writeFileSync(file, f.bytes);
    let err: unknown = null;
    await runEtl({ exportsDir: refExports, dbPath: refDb, log: () => undefined, settleSeconds: 0 }).catch((e: unknown) => (err = e));
    fs.rmSync(file);
    if (!err) {
      crash.push(null);
      outcomeOk.push(`${f.name} (${f.rule}) : accepté au lieu d'être refusé`);
      noFigureChange.push(`${f.name} : publié`);
      copyWarehouse(w0, refDb);
      continue;
    }
    const c = classify(err);
    const formatError = err instanceof EtlRunError && err.cause instanceof ExportFormatError;
    crash.push(c.documented ? null : `${f.name} (${f.rule}) : erreur inattendue ${c.cause} : ${c.message.slice(0, 200)}`);
    const problems: string[] = [];
    if (!formatError) problems.push(`pas une ExportFormatError (${c.cause})`);
    if (!exp.message.test(c.message)) problems.push(`message « ${c.message.slice(0, 240)} »`);
    if (!c.message.includes(f.name)) problems.push("le message ne nomme pas le fichier");
    if (exp.line && !/ligne \d+/.test(c.message)) problems.push("le message ne donne pas la ligne");
    outcomeOk.push(problems.length ? `${f.name} (${f.rule}) : ${problems.join(" ; ")}` : null);
    const same = sha256(refDb) === sha0;
    noFigureChange.push(same ? null : `${f.name} : entrepôt publié modifié`);
    if (!same) copyWarehouse(w0, refDb);
  }
  const fAfter = await figuresSnapshot(refDb);
  if (fAfter !== f0) noFigureChange.push("chiffres publiés changés après les fichiers refusés");
  log(`[corpus] ${refused.length} fichiers refusés essayés un par un`);
  const privacy = await checkBrokenRowsPrivacy(base, baseExports, w0);
  log(`[corpus] ${BROKEN_ACTIONS.length} lignes d'actions cassées : commentaire cherché dans l'entrepôt`);
  fs.rmSync(base, { recursive: true, force: true });

  const rules = new Map<string, number>();
  for (const f of broken) rules.set(f.rule, (rules.get(f.rule) ?? 0) + 1);
  const tried = accepted.length + refused.length;
  return [
    line(
      FAMILY,
      `corpus généré : ${corpus.length} fichiers dont ${broken.length} cassés, ${rules.size} règles du format`,
      [broken.length >= 200 || !o.full ? null : `${broken.length} fichiers cassés seulement`],
      [[...rules].map(([r, n]) => `${r} ${n}`).join(" · ")],
    ),
    line(
      FAMILY,
      `aucun plantage : seules des erreurs documentées (${tried} fichiers essayés${o.full ? "" : ", refus : un par règle"})`,
      crash,
    ),
    line(FAMILY, "issue documentée : refus nommant fichier et ligne, ou quarantaine exacte (ligne, colonne, motif)", outcomeOk),
    line(FAMILY, "par fichier : lignes lues = chargées + en quarantaine (comptées séparément)", balance),
    line(FAMILY, "un fichier refusé ne change aucun chiffre publié (octets et chiffres)", noFigureChange),
    line(FAMILY, "commentaire des lignes cassées absent de l'entrepôt", privacy),
  ];
}

/**
 * Broken actions rows, each with a comment naming a different person (issue 10): the record
 * cannot be split, or is over-long, and its commentaire (personal data) must be stored nowhere.
 */
const BROKEN_ACTIONS: Array<{ rule: string; who: string; row: (key: string, comment: string) => string; reason: string | RegExp }> = [
  {
    rule: "un champ de plus (« ; » dans le commentaire)",
    who: "Amandine",
    row: (k, c) => `${k};B0001;01/02/2024;RL1;AG01;;;N;${c.replace(" voir", "; voir")}`,
    reason: "10 champs au lieu de 9",
  },
  {
    rule: "guillemet dans un commentaire non protégé",
    who: "Bérénice",
    row: (k, c) => `${k};B0002;01/02/2024;TEL;AG01;;;N;${c.replace("voir", '"voir"')}`,
    reason: "guillemet au milieu d'un champ non protégé",
  },
  {
    rule: "caractère après un guillemet fermant",
    who: "Céleste",
    row: (k, c) => `${k};B0003;01/02/2024;SMS;AG01;;;N;"${c.replace(" voir", '" voir')}`,
    reason: "caractère après un guillemet fermant",
  },
  {
    rule: "commentaire démesuré",
    who: "Dorothée",
    row: (k, c) => `${k};B0004;01/02/2024;RL2;AG01;;;N;${c} ${"z".repeat(1_100_000)}`,
    reason: LONG_RECORD,
  },
];

/**
 * Load the broken actions rows beside the office, then look for their comments in every column
 * of the warehouse and in the bytes of its file, WAL, raw layer and journal (warehouseTextSearch.ts),
 * and in the run's progress lines. Held, per row: in quarantine at its line with its reason,
 * and its comment found nowhere.
 */
async function checkBrokenRowsPrivacy(base: string, baseExports: string, w0: string): Promise<Array<string | null>> {
  const dir = path.join(base, "commentaires");
  const exportsDir = path.join(dir, "exports");
  fs.cpSync(baseExports, exportsDir, { recursive: true });
  const name = "actions_20260115.csv";
  const good = Array.from({ length: 450 }, (_, i) => rowText(goodRow("actions", `PV-${i}`, i)));
  const comment = (who: string) => `pour ${who} : fils incarcéré voir assistante sociale`;
  const broken = BROKEN_ACTIONS.map((b, i) => b.row(`PV-X${i}`, comment(b.who)));
  fs.writeFileSync(path.join(exportsDir, name), enc(join([HEADERS.actions.join(";"), ...good, ...broken])));
  const db = path.join(dir, "w.duckdb");
  copyWarehouse(w0, db);
  const logged: string[] = [];
  try {
    await runEtl({ exportsDir, dbPath: db, log: (l) => logged.push(l), settleSeconds: 0 });
  } catch (e) {
    return BROKEN_ACTIONS.map((b) => `${b.rule} : chargement en échec : ${(e as Error).message.slice(0, 200)}`);
  }
  const wh = await openWarehouse(db);
  let q: Array<{ ligne: number; motif: string }>;
  try {
    q = await queryRows(wh.conn, `select ligne, motif from quarantine where fichier = $f order by ligne`, { f: name });
  } finally {
    wh.close();
  }
  const common = ["incarcéré", "assistante sociale"];
  const places = await findTextInWarehouse(db, [...common, ...BROKEN_ACTIONS.map((b) => b.who)]);
  return BROKEN_ACTIONS.map((b, i) => {
    const problems: string[] = [];
    const at = good.length + 2 + i;
    const got = q.find((r) => r.ligne === at);
    if (!got) problems.push(`ligne ${at} absente de la quarantaine`);
    else if (typeof b.reason === "string" ? got.motif !== b.reason : !b.reason.test(got.motif))
      problems.push(`motif « ${got.motif.slice(0, 120)} »`);
    // why every place counts against every row: the common words are in each comment
    const needles = [...common, b.who];
    if (places.length) problems.push(`texte retrouvé : ${places.slice(0, 4).join(", ")}`);
    if (logged.some((l) => needles.some((n) => l.includes(n)))) problems.push("texte dans les lignes de progression");
    return problems.length ? `${b.rule} : ${problems.join(" ; ")}` : null;
  });
}
