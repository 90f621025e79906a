/**
 * Issue 10, item 1: the free-text comment of a broken actions row (a field too many, a quote
 * inside an unquoted field, a character after a closing quote, an over-long comment) is stored
 * nowhere: no column of the warehouse, no byte of its file, WAL, raw Parquet or run journal,
 * no progress line. The quarantine still has each row with its file, line, column and reason,
 * and the loaded columns' values when the record split into the header's fields.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase, queryRows } from "../src/duckdb/db.ts";
import { columnsHolding, filesHolding, findTextInWarehouse, warehouseFiles } from "./reliability/warehouseTextSearch.ts";
import { HEADERS, etl, tempDir, writeRaw, writeSmallOffice } from "./util/exports.ts";

/** Distinctive words of the comments: ASCII and accented, so that both encodings are searched. */
const NEEDLES = ["incarcéré", "assistante sociale"];
const FILE = "actions_20250115.csv";

/** Good actions rows (enough that four bad ones stay under the 1 % refusal share), then the broken ones. */
function writeBrokenActions(dir: string): void {
  const good = Array.from({ length: 500 }, (_, i) => `OK${i};B000${1 + (i % 9)};10/01/2025;RL1;AG02;;;N;relance ${i}`);
  const broken = [
    // line 502: one field too many, because the comment holds a ;
    "PRIV-A;B0001;15/01/2025;RL1;AG02;;;N;fils incarcéré; voir assistante sociale",
    // line 503: a quote inside an unquoted comment
    'PRIV-B;B0002;15/01/2025;TEL;AG02;;;N;fils incarcéré "voir" assistante sociale',
    // line 504: a character after the closing quote of the comment
    'PRIV-C;B0003;15/01/2025;SMS;AG02;;;N;"fils incarcéré" voir assistante sociale',
    // line 505: an over-long comment
    `PRIV-D;B0004;15/01/2025;RL2;AG02;;;N;fils incarcéré voir assistante sociale ${"x".repeat(1_200_000)}`,
  ];
  writeRaw(dir, FILE, [HEADERS.actions.join(";"), ...good, ...broken, "OK-END;B0005;16/01/2025;RL1;AG02;;;N;fin"].join("\r\n") + "\r\n");
}

function setup() {
  const dir = tempDir("oph-privacy-");
  const exportsDir = path.join(dir, "exports");
  const db = path.join(dir, "warehouse.duckdb");
  writeSmallOffice(exportsDir);
  writeBrokenActions(exportsDir);
  return { exportsDir, db };
}

async function rows<T>(db: string, sql: string): Promise<T[]> {
  const d = await openDatabase(db, { readOnly: true });
  try {
    return await queryRows<T & Record<string, unknown>>(d.conn, sql);
  } finally {
    d.close();
  }
}

const KEPT_B = {
  id_action: "PRIV-B",
  num_contrat: "B0002",
  date_action: "15/01/2025",
  code_action: "TEL",
  code_agent: "AG02",
  montant: "",
  nb_echeances: "",
  annulee: "N",
};

describe("broken actions rows: no comment text stored anywhere (issue 10)", () => {
  it("quarantines each broken row with its file, line, column, reason and key, and keeps its comment nowhere", async () => {
    const { exportsDir, db } = setup();
    const logged: string[] = [];
    await etl({ exportsDir, dbPath: db, log: (l) => logged.push(l) });

    const q = await rows<{ ligne: number; cle: string | null; colonne: string | null; motif: string; valeur: string | null }>(
      db,
      `select ligne, cle, colonne, motif, valeur from quarantine where fichier = '${FILE}' order by ligne`,
    );
    expect(q.map(({ motif, ...r }) => ({ ...r, motif: motif.startsWith("enregistrement de ") ? "(démesuré)" : motif }))).toEqual([
      { ligne: 502, cle: null, colonne: null, motif: "10 champs au lieu de 9", valeur: null },
      { ligne: 503, cle: "PRIV-B", colonne: "commentaire", motif: "guillemet au milieu d'un champ non protégé", valeur: null },
      { ligne: 504, cle: "PRIV-C", colonne: "commentaire", motif: "caractère après un guillemet fermant", valeur: null },
      { ligne: 505, cle: null, colonne: "commentaire", motif: "(démesuré)", valeur: null },
    ]);
    expect(q[3]!.motif).toMatch(
      /^enregistrement de 1\s200\s076 caractères, au-delà de la limite de 1\s000\s000, sur 1 ligne physique, limite dépassée hors guillemets : ligne écartée/,
    );
    // The loaded columns' values of a record that split into the header's fields; nothing of the others.
    const rejects = await rows<{ ligne: number; valeurs_chargees: string | null }>(
      db,
      `select ligne, valeurs_chargees from raw_rejects where fichier = '${FILE}' order by ligne`,
    );
    expect(rejects.map((r) => [r.ligne, r.valeurs_chargees && JSON.parse(r.valeurs_chargees)])).toEqual([
      [502, null],
      [503, KEPT_B],
      [504, { ...KEPT_B, id_action: "PRIV-C", num_contrat: "B0003", code_action: "SMS" }],
      [505, null],
    ]);
    // The rows after the broken ones are loaded.
    expect(await rows(db, `select id_action from recovery_actions where id_action = 'OK-END'`)).toEqual([{ id_action: "OK-END" }]);

    expect(await columnsHolding(db, NEEDLES)).toEqual([]);
    const files = warehouseFiles(db);
    expect(files.some((f) => f.endsWith(".parquet"))).toBe(true);
    expect(files.some((f) => f.endsWith(".runs.jsonl"))).toBe(true);
    expect(filesHolding(files, NEEDLES)).toEqual([]);
    expect(logged.filter((l) => NEEDLES.some((n) => l.includes(n)))).toEqual([]);
  });

  it("rewrites a warehouse made when raw_rejects kept the record's text, so that no byte of it stays", async () => {
    const { exportsDir, db } = setup();
    await etl({ exportsDir, dbPath: db });
    // The shape and content an older version published: raw_rejects.valeur held the record's
    // first 200 characters and the quarantine mart copied it into its valeur.
    const old = await openDatabase(db);
    try {
      await old.conn.run(`create table old_rejects as
        select type_fichier, fichier, ligne, colonne, motif,
          case ligne
            when 502 then 'PRIV-A;B0001;15/01/2025;RL1;AG02;;;N;fils incarcéré; voir assistante sociale'
            when 503 then 'PRIV-B;B0002;15/01/2025;TEL;AG02;;;N;fils incarcéré "voir" assistante sociale'
            when 504 then 'PRIV-C;B0003;15/01/2025;SMS;AG02;;;N;"fils incarcéré" voir assistante sociale'
          end as valeur
        from raw_rejects`);
      await old.conn.run(`drop table raw_rejects`);
      await old.conn.run(`alter table old_rejects rename to raw_rejects`);
      await old.conn.run(`update quarantine set valeur = r.valeur from raw_rejects as r
        where r.fichier = quarantine.fichier and r.ligne = quarantine.ligne`);
      await old.conn.run(`checkpoint`);
    } finally {
      old.close();
    }
    // The fixture holds the text where the issue found it: in SQL and in the file's bytes.
    // (the views that read raw_rejects.valeurs_chargees no longer bind on this old shape)
    expect((await columnsHolding(db, NEEDLES)).filter((f) => !f.includes("illisible"))).toEqual([
      "quarantine.valeur",
      "raw_rejects.valeur",
    ]);
    expect(filesHolding([db], NEEDLES)).toEqual([`${db} (UTF-8)`]);

    const logged: string[] = [];
    await etl({ exportsDir, dbPath: db, log: (l) => logged.push(l) });
    expect(await findTextInWarehouse(db, NEEDLES)).toEqual([]);
    expect(logged.some((l) => l.includes("entrepôt réécrit sans le texte des lignes rejetées"))).toBe(true);
    // The quarantine is rebuilt from the raw layer: the same rows, without the text.
    const q = await rows<{ ligne: number; colonne: string | null; valeur: string | null }>(
      db,
      `select ligne, colonne, valeur from quarantine where fichier = '${FILE}' order by ligne`,
    );
    expect(q).toEqual([
      { ligne: 502, colonne: null, valeur: null },
      { ligne: 503, colonne: "commentaire", valeur: null },
      { ligne: 504, colonne: "commentaire", valeur: null },
      { ligne: 505, colonne: "commentaire", valeur: null },
    ]);
    // A warehouse already without the column is not rewritten again.
    const again: string[] = [];
    await etl({ exportsDir, dbPath: db, log: (l) => again.push(l) });
    expect(again.some((l) => l.includes("entrepôt réécrit"))).toBe(false);
  });
});
