import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyWarehouse, rawDir } from "../src/etl/rawLayer.ts";
import { publish, withdraw } from "../src/publications/publish.ts";
import { revisions } from "../src/publications/revisions.ts";
import { publicationsFile, readPublications } from "../src/publications/store.ts";
import { verifyPublication } from "../src/publications/verify.ts";
import { getFigures } from "../src/warehouse/figures.ts";
import { openWarehouse } from "../src/warehouse/warehouse.ts";
import { buildTestApp, signIn } from "./util/apiApp.ts";
import { etl, tempDir, writeExportFile, writeSmallOffice } from "./util/exports.ts";

const ADMIN = { identifiant: "admin", role: "admin" };
const NBSP = "\u00a0";

/**
 * The small office (10 leases, 2 sectors, 2024) with two payment orders at the end of 2024,
 * loaded; returns the folders.
 */
async function office() {
  const dir = tempDir("oph-publications-");
  const exports = path.join(dir, "exports");
  writeSmallOffice(exports);
  writeExportFile(exports, "actions_20250105.csv", [
    ["A3", "B0001", "01/12/2024", "CDP", "AG02", "", "", "N", ""],
    ["A4", "B0003", "10/12/2024", "CDP", "AG02", "", "", "N", ""],
  ]);
  const db = path.join(dir, "w.duckdb");
  await etl({ exportsDir: exports, dbPath: db });
  return { dir, exports, db };
}

/**
 * Later exports that correct 2024: a ledger row re-exported with another amount (March rent of
 * B0001, 400 -> 300), a cancelled payment order (A3), a late reminder dated 2024 (A9), a lease
 * moved to another sector (B0004, S -> N).
 */
function writeCorrections(exports: string) {
  writeExportFile(exports, "ecritures_20250215.csv", [
    ["E1-03-QL", "B0001", "01/03/2024", "03/2024", "QL", "Loyer d’03/2024", "300,00", "", ""],
  ]);
  writeExportFile(exports, "actions_20250215.csv", [
    ["A3", "B0001", "01/12/2024", "CDP", "AG02", "", "", "O", ""],
    ["A9", "B0002", "20/12/2024", "RL1", "AG02", "", "", "N", ""],
  ]);
  writeExportFile(exports, "baux_20250215.csv", [
    ["B0004", "L4", "N", "Mulhouse", "01/01/2020", "", "", "CDI", "2", "N", "400,00", "100,00"],
  ]);
}

async function figuresNow(db: string, secteur: string | null = null) {
  const wh = await openWarehouse(db);
  try {
    return await getFigures(wh, { annee: 2024, secteur });
  } finally {
    wh.close();
  }
}

describe("publications", () => {
  it("keeps the published figures exactly, and explains each revision by the export rows that changed", async () => {
    const { exports, db } = await office();
    const p = await publish({ dbPath: db, annee: 2024, titre: "Rapport d'activité 2024", note: "Conseil du 15/03/2025", par: ADMIN });
    expect(p.date_arrete).toBe("2024-12-31");
    expect(p.chiffres.ensemble).toEqual(await figuresNow(db));
    expect(p.chiffres.ensemble.commandements_payer).toBe(2);
    expect(p.chiffres.ensemble.relances).toBe(2);
    expect(p.chiffres.secteurs.map((s) => s.secteur)).toEqual(["N", "S"]);
    expect(p.fichiers.map((f) => f.fichier)).toEqual([
      "actions_20241231.csv",
      "actions_20250105.csv",
      "agents_20240101.csv",
      "baux_20240101.csv",
      "ecritures_20241231.csv",
      "secteurs_20240101.csv",
    ]);
    expect(p.fichiers.every((f) => /^[0-9a-f]{64}$/.test(f.sha256) && f.lignes_lues > 0)).toBe(true);
    expect(p.chargement?.run_id).toMatch(/^\d{8}T\d{6}-/);
    expect(p.definitions.find((d) => d.cle === "taux_impayes")?.definition).toMatch(/^Dette des locataires présents/);
    const published = JSON.parse(fs.readFileSync(publicationsFile(db), "utf8").trim());
    expect(published.id).toBe(p.id);
    expect(fs.statSync(publicationsFile(db)).mode & 0o777).toBe(0o600);

    writeCorrections(exports);
    await etl({ exportsDir: exports, dbPath: db });

    // Published: frozen. Today: changed.
    const [stored] = readPublications(db).publications;
    expect(stored!.chiffres).toEqual(p.chiffres);
    const today = await figuresNow(db);
    expect(today.commandements_payer).toBe(1);
    expect(today.relances).toBe(3);
    expect(today.quittancement).toBe(59900);

    const wh = await openWarehouse(db);
    const r = await revisions(wh, db, stored!, { detail: true }).finally(() => wh.close());
    expect(r.etat).toBe("revisee");
    const gap = (secteur: string | null, cle: string) => r.ecarts.find((g) => g.secteur === secteur && g.cle === cle);
    expect(gap(null, "commandements_payer")).toMatchObject({ publie: 2, actuel: 1, ecart: -1, ecart_texte: "\u22121" });
    expect(gap(null, "relances")).toMatchObject({ publie: 2, actuel: 3, ecart: 1, ecart_texte: "+1" });
    expect(gap(null, "quittancement")).toMatchObject({ publie: 60000, actuel: 59900, ecart: -100, ecart_texte: `\u2212100,00${NBSP}€` });
    // 1 400 / 59 900 against 1 500 / 60 000, in points
    expect(gap(null, "taux_impayes")!.ecart).toBeCloseTo((1400 / 59900 - 0.025) * 100, 9);
    expect(gap(null, "taux_impayes")!.ecart_texte).toBe("\u22120,16 point");
    // B0004 (6 000 € billed in 2024) left sector S for N; N also loses the 100 € of B0001's March rent.
    expect(gap("N", "quittancement")).toMatchObject({ publie: 30000, actuel: 35900 });
    expect(gap("S", "quittancement")).toMatchObject({ publie: 30000, actuel: 24000 });
    expect(gap(null, "menages_presents")).toBeUndefined();

    expect(r.explications.map((e) => e.texte)).toEqual([
      "1 action de 2024 ajoutée tardivement dans l'export du 15/02/2025 (actions_20250215.csv) : +1 relance",
      "1 action de 2024 annulée dans l'export du 15/02/2025 (actions_20250215.csv) : \u22121 commandement de payer",
      "1 bail passé du secteur S au secteur N dans l'export du 15/02/2025 (baux_20250215.csv) : ses chiffres passent du secteur S au secteur N",
      `1 écriture de 2024 réexportée avec d'autres valeurs (debit) dans l'export du 15/02/2025 (ecritures_20250215.csv) : \u2212100,00${NBSP}€ de quittancement ; solde des baux concernés au 31/12/2024 : \u2212100,00${NBSP}€`,
    ]);
    expect(r.explications.find((e) => e.nature === "annulee")!.effets).toEqual({ commandements_payer: -1 });
    expect(r.detail!.map((d) => [d.type_fichier, d.nature, d.cle, d.num_contrat]).sort()).toEqual([
      ["actions", "ajoutee", "A9", "B0002"],
      ["actions", "annulee", "A3", "B0001"],
      ["baux", "autre_secteur", "B0004", "B0004"],
      ["ecritures", "modifiee", "E1-03-QL", "B0001"],
    ]);
  });

  it("keeps every publication through a full rebuild and a warehouse restored from a backup, and keeps the files it lists", async () => {
    const { dir, exports, db } = await office();
    const backup = path.join(dir, "sauvegarde.duckdb");
    copyWarehouse(db, backup);
    const p = await publish({ dbPath: db, annee: 2024, titre: "Rapport d'activité 2024", par: ADMIN });
    // The payment orders' file reloaded under the same name with other content: its old Parquet stays (the publication lists it).
    const listed = p.fichiers.find((f) => f.fichier === "actions_20250105.csv")!;
    writeExportFile(exports, "actions_20250105.csv", [
      ["A3", "B0001", "01/12/2024", "CDP", "AG02", "", "", "O", ""],
      ["A4", "B0003", "10/12/2024", "CDP", "AG02", "", "", "N", ""],
    ]);
    await etl({ exportsDir: exports, dbPath: db, fullRebuild: true });
    expect(fs.existsSync(path.join(rawDir(db), listed.fichier_brut))).toBe(true);
    expect(readPublications(db).publications.map((x) => x.id)).toEqual([p.id]);
    expect((await figuresNow(db)).commandements_payer).toBe(1);

    // Restore the backup taken before the publication: the publication and its files stay.
    copyWarehouse(backup, db);
    expect(readPublications(db).publications.map((x) => x.id)).toEqual([p.id]);
    expect(fs.existsSync(path.join(rawDir(db), listed.fichier_brut))).toBe(true);
    expect((await figuresNow(db)).commandements_payer).toBe(2);
    await etl({ exportsDir: exports, dbPath: db, fullRebuild: true });
    expect(readPublications(db).publications.map((x) => x.chiffres)).toEqual([p.chiffres]);
    const v = await verifyPublication(db, readPublications(db).publications[0]!);
    expect(v.identique).toBe(true);

    // A backup taken now carries the publications; restoring it elsewhere brings them back.
    const elsewhere = path.join(dir, "autre.duckdb");
    copyWarehouse(db, elsewhere);
    expect(readPublications(elsewhere).publications.map((x) => x.id)).toEqual([p.id]);
  });

  it("leaves no publication half-written when the process is killed during the write", async () => {
    const { db } = await office();
    const first = await publish({ dbPath: db, annee: 2024, titre: "Première", par: ADMIN });
    const killed = spawnSync(
      process.execPath,
      ["--import", "tsx", "src/cli/publish.ts", "--db", db, "--annee", "2024", "--titre", "Tuée"],
      {
        encoding: "utf8",
        env: { ...process.env, ETL_KILL_AT: "publication-mid-write" },
      },
    );
    expect(killed.signal).toBe("SIGKILL");
    const text = fs.readFileSync(publicationsFile(db), "utf8");
    expect(text.endsWith("\n")).toBe(false); // a torn last line is there
    const read = readPublications(db);
    expect(read.publications.map((x) => x.titre)).toEqual(["Première"]);
    expect(read.lignes_ignorees).toEqual([{ ligne: 2, motif: "ligne incomplète (écriture interrompue) : ignorée" }]);
    expect(fs.existsSync(`${db}.lock`)).toBe(true); // the killed process held the run lock; the next one takes it over
    const next = await publish({ dbPath: db, annee: 2024, titre: "Suivante", par: ADMIN });
    const after = readPublications(db);
    expect(after.publications.map((x) => x.id)).toEqual([first.id, next.id]);
    expect(after.lignes_ignorees).toHaveLength(1);
  });

  it("marks a withdrawn publication without deleting it", async () => {
    const { db } = await office();
    const p = await publish({ dbPath: db, annee: 2024, titre: "Rapport", par: ADMIN });
    withdraw({ dbPath: db, id: p.id, motif: "Erreur de périmètre", par: ADMIN });
    const [stored] = readPublications(db).publications;
    expect(stored!.retrait).toMatchObject({ motif: "Erreur de périmètre", retire_par: ADMIN });
    expect(stored!.chiffres).toEqual(p.chiffres);
    expect(() => withdraw({ dbPath: db, id: p.id, motif: "encore", par: ADMIN })).toThrow(/déjà retirée/);
    expect(fs.readFileSync(publicationsFile(db), "utf8").trim().split("\n")).toHaveLength(2);
  });
});

describe("npm run figures -- --publication ID --verifier", () => {
  const cli = (db: string, ...args: string[]) => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/figures.ts", "--db", db, ...args], { encoding: "utf8" });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it("reproduces a publication from its files after later corrections, and fails clearly when one is missing", async () => {
    const { exports, db } = await office();
    const p = await publish({ dbPath: db, annee: 2024, titre: "Rapport d'activité 2024", par: ADMIN });
    writeCorrections(exports);
    await etl({ exportsDir: exports, dbPath: db });

    const ok = cli(db, "--publication", p.id, "--verifier");
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      new RegExp(`^Publication ${p.id} reproduite depuis ses 6 fichier\\(s\\) d'export : tous les chiffres sont identiques`),
    );

    const asPublished = cli(db, "--publication", p.id, "--format", "json");
    expect(JSON.parse(asPublished.stdout)).toEqual(p.chiffres);

    const actions = p.fichiers.find((f) => f.fichier === "actions_20250105.csv")!;
    fs.rmSync(path.join(rawDir(db), actions.fichier_brut));
    const missing = cli(db, "--publication", p.id, "--verifier");
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe("");
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    expect(missing.stderr).toMatch(
      new RegExp(
        `^Erreur : publication « ${p.id} » non reproductible : actions_20250105\\.csv \\(SHA-256 ${actions.sha256.slice(0, 12)}…\\) absent\\(s\\) de la couche brute`,
      ),
    );
  });

  it("says which publication is unknown", async () => {
    const { db } = await office();
    const r = cli(db, "--publication", "2024-000000", "--verifier");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Erreur : publication « 2024-000000 » introuvable/);
  });
});

describe("publications API", () => {
  it("lets only an admin publish and withdraw, lists the state for every role, and gives case detail only to recouvrement and admin", async () => {
    const { exports, db } = await office();
    const { app, warehouse } = buildTestApp(db);
    const post = (cookie: string, url: string, body: unknown) =>
      app.request(url, { method: "POST", headers: { "Content-Type": "application/json", Cookie: cookie }, body: JSON.stringify(body) });
    const cookies = {
      admin: await signIn(app, "admin"),
      direction: await signIn(app, "direction"),
      recouvrement: await signIn(app, "recouvrement"),
      communication: await signIn(app, "communication"),
    };
    const body = { annee: 2024, titre: "Rapport d'activité 2024" };
    for (const role of ["direction", "recouvrement", "communication"] as const) {
      expect((await post(cookies[role], "/api/publications", body)).status).toBe(403);
    }
    expect((await post(cookies.admin, "/api/publications", { annee: 2024 })).status).toBe(400);
    expect((await post(cookies.admin, "/api/publications", { annee: 2019, titre: "x" })).status).toBe(400);
    const created = await post(cookies.admin, "/api/publications", body);
    expect(created.status).toBe(201);
    const p = (await created.json()) as {
      id: string;
      publie_par: { identifiant: string; role: string };
      chiffres: { ensemble: { relances: number } };
    };
    expect(p.publie_par).toEqual({ identifiant: "admin", role: "admin" });
    expect(p.chiffres.ensemble.relances).toBe(2);

    const list = async (cookie: string) =>
      (
        (await (await app.request("/api/publications", { headers: { Cookie: cookie } })).json()) as {
          publications: Array<{ id: string; etat: string }>;
        }
      ).publications;
    expect(await list(cookies.communication)).toMatchObject([{ id: p.id, etat: "inchangee" }]);

    writeCorrections(exports);
    await etl({ exportsDir: exports, dbPath: db });
    await warehouse.reload();
    expect(await list(cookies.direction)).toMatchObject([{ id: p.id, etat: "revisee" }]);

    const one = await app.request(`/api/publications/${p.id}`, { headers: { Cookie: cookies.communication } });
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ id: p.id, etat: "revisee", chiffres: { ensemble: { relances: 2, commandements_payer: 2 } } });
    const csv = await app.request(`/api/publications/${p.id}?format=csv`, { headers: { Cookie: cookies.communication } });
    const csvText = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await csv.arrayBuffer());
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csvText.startsWith(`\uFEFFPublication;${p.id}\r\nTitre;Rapport d'activité 2024\r\n`)).toBe(true);
    expect(csvText).toContain("\r\nÉtat;révisée\r\n");
    expect(csvText).toContain("\r\nDate d'arrêté;31/12/2024\r\n");
    expect(csvText).toContain("\r\nquittancement;Quittancement;60000,00;30000,00;30000,00;€;");
    expect(csvText).toMatch(/\r\nactions_20250105\.csv;actions;05\/01\/2025;2;[0-9a-f]{64}\r\n/);

    const rev = async (cookie: string) =>
      await (await app.request(`/api/publications/${p.id}/revisions`, { headers: { Cookie: cookie } })).text();
    for (const role of ["direction", "communication"] as const) {
      const text = await rev(cookies[role]);
      expect(JSON.parse(text).detail).toBeUndefined();
      expect(JSON.parse(text).explications).toHaveLength(4);
      expect(text).not.toMatch(/B000\d/);
    }
    for (const role of ["recouvrement", "admin"] as const) expect(JSON.parse(await rev(cookies[role])).detail).toHaveLength(4);

    expect((await post(cookies.direction, `/api/publications/${p.id}/retrait`, { motif: "non" })).status).toBe(403);
    expect((await post(cookies.admin, `/api/publications/${p.id}/retrait`, {})).status).toBe(400);
    expect((await post(cookies.admin, `/api/publications/2024-000000/retrait`, { motif: "x" })).status).toBe(404);
    expect((await post(cookies.admin, `/api/publications/${p.id}/retrait`, { motif: "Chiffres corrigés" })).status).toBe(200);
    expect((await post(cookies.admin, `/api/publications/${p.id}/retrait`, { motif: "Encore" })).status).toBe(409);
    expect(await list(cookies.direction)).toMatchObject([{ id: p.id, etat: "retiree" }]);
    expect((await app.request("/api/publications/2024-000000", { headers: { Cookie: cookies.direction } })).status).toBe(404);
    expect((await app.request("/api/publications/pas-un-id", { headers: { Cookie: cookies.direction } })).status).toBe(400);
    warehouse.close();
  });
});

describe("GET /api/figures with a publication in force", () => {
  it("adds the figures as published and today's gaps, follows a publication and a withdrawal at once, and stays the CLI's JSON otherwise", async () => {
    const { exports, db } = await office();
    const { app, warehouse } = buildTestApp(db);
    const cookie = await signIn(app, "communication");
    const admin = await signIn(app, "admin");
    const figures = async (query: string) =>
      (await (await app.request(`/api/figures?${query}`, { headers: { Cookie: cookie } })).json()) as Record<string, any>;

    // No publication: exactly the CLI's JSON (kept in the answer cache under this state of the file).
    expect(await figures("annee=2024")).toEqual(await figuresNow(db));
    const created = await app.request("/api/publications", {
      method: "POST",
      headers: { "Content-Type": "application/json", Cookie: admin },
      body: JSON.stringify({ annee: 2024, titre: "Rapport d'activité 2024", note: "Conseil du 15/03/2025" }),
    });
    const p = (await created.json()) as { id: string; publie_le: string };

    // Published, nothing changed since: the block says so, with no gap.
    const same = await figures("annee=2024");
    expect(same.publication).toMatchObject({
      id: p.id,
      titre: "Rapport d'activité 2024",
      note: "Conseil du 15/03/2025",
      publie_le: p.publie_le,
      date_arrete: "2024-12-31",
      etat: "inchangee",
      ecarts: [],
    });
    expect(same.publication.chiffres).toEqual(await figuresNow(db));

    writeCorrections(exports);
    await etl({ exportsDir: exports, dbPath: db });
    await warehouse.reload();

    // Today's figures at the top level, the published ones in the block, and only the gaps of the scope asked for.
    const revised = await figures("annee=2024");
    const { publication, ...today } = revised;
    expect(today).toEqual(await figuresNow(db));
    expect(publication.etat).toBe("revisee");
    expect(publication.chiffres.commandements_payer).toBe(2);
    expect(today.commandements_payer).toBe(1);
    expect(publication.ecarts.map((g: { cle: string }) => g.cle)).toEqual([
      // B0001's March rent, 400 -> 300: billed, its debt (aged 91-365 days) and, at 3 months of rent, no longer in the 3-month count
      "quittancement",
      "dette_presents",
      "dette_3_12_mois",
      "taux_impayes",
      "taux_impayes_global",
      "taux_recouvrement",
      "menages_dette_3_mois",
      // the late reminder, the cancelled payment order and its cohort
      "relances",
      "commandements_payer",
      "effectif",
    ]);
    expect(publication.ecarts.find((g: { cle: string }) => g.cle === "commandements_payer")).toMatchObject({
      secteur: null,
      publie: 2,
      actuel: 1,
      ecart: -1,
      ecart_texte: "\u22121",
    });

    // A sector: its own published figures. S lost B0004 (6 000 € billed in 2024) to N.
    const s = await figures("annee=2024&secteur=S");
    expect(s.publication.chiffres.secteur).toBe("S");
    expect(s.publication.chiffres.quittancement).toBe(30000);
    expect(s.quittancement).toBe(24000);
    expect(s.publication.ecarts.every((g: { secteur: string }) => g.secteur === "S")).toBe(true);

    // Another as-of date than the published one: no block.
    expect((await figures("annee=2024&au=2024-11-30")).publication).toBeUndefined();

    // Withdrawn: no block any more, without waiting for another warehouse.
    const out = await app.request(`/api/publications/${p.id}/retrait`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Cookie: admin },
      body: JSON.stringify({ motif: "Chiffres corrigés" }),
    });
    expect(out.status).toBe(200);
    expect(await figures("annee=2024")).toEqual(await figuresNow(db));
    warehouse.close();
  });
});
