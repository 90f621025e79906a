/**
 * The monthly review's case state (issue 11): each hand-built history of
 * test/fixtures/review/ in its own office, through the API, against the state, action, due
 * date and reason worked out by hand in test/fixtures/review/README.md; then the worklist's
 * filters, counts, paging and CSV on an office holding all of them.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { createApp } from "../src/api/app.ts";
import type { WarehouseProvider } from "../src/server/warehouseProvider.ts";
import { HISTORIES, JDP_HONOURED_THEN_NEW_DEBT, type History } from "./fixtures/review/histories.ts";
import { UP_TO_DATE, writeReviewOffice } from "./fixtures/review/office.ts";
import { buildTestApp, signIn } from "./util/apiApp.ts";
import { etl, tempDir } from "./util/exports.ts";

async function officeApp(histories: History[]) {
  const dir = tempDir("oph-review-");
  writeReviewOffice(path.join(dir, "exports"), [...histories, UP_TO_DATE]);
  const db = path.join(dir, "w.duckdb");
  await etl({ exportsDir: path.join(dir, "exports"), dbPath: db });
  const built = buildTestApp(db);
  const cookie = await signIn(built.app, "recouvrement");
  return { ...built, cookie };
}

type Row = Record<string, unknown> & { motifs: string[]; plan: Record<string, unknown> | null };

/**
 * Expected answers, worked out by hand in test/fixtures/review/README.md (meeting on 01/12/2026):
 * each case's state, proposed action and who acts, a line per lease.
 */
const STATES: Record<
  string,
  [etat: string, action: string | null, due: string | null, statut: string | null, role: string, priorite: number, a_examiner: boolean]
> = {
  R01: ["suspendue_plan", null, null, null, "AMIABLE", 3, false],
  R02: ["amiable", "constater_rupture_plan", "2026-01-15", "en_retard", "AMIABLE", 1, true],
  R03: ["suspendue_protocole", null, null, null, "CONTENTIEUX", 2, false],
  R04: ["procedure_active", "commandement_quitter_lieux", "2026-10-31", "en_retard", "CONTENTIEUX", 1, true],
  R05: ["suspendue_jdp", null, null, null, "CONTENTIEUX", 2, false],
  R06: ["close", null, null, null, "AMIABLE", 3, false],
  R07: ["dormante", "reexaminer_dossier", null, null, "CONTENTIEUX", 2, true],
  R08: ["procedure_active", "executer_expulsion", "2027-04-01", "a_venir", "CONTENTIEUX", 1, true],
  R09: ["procedure_active", "assigner", "2026-12-01", "a_venir", "CONTENTIEUX", 1, true],
  R10: ["procedure_active", "saisir_ccapex", "2026-07-01", "en_retard", "CESF", 1, true],
  R11: ["amiable", "verifier_apl", "2026-09-05", "en_retard", "CESF", 1, true],
  R12: ["procedure_active", "suivre_audience", "2025-12-15", "en_retard", "CONTENTIEUX", 1, true],
  R13: ["amiable", "relancer", "2026-10-15", "en_retard", "AMIABLE", 3, true],
  R15: ["amiable", "commandement_payer", "2026-07-01", "en_retard", "CONTENTIEUX", 1, true],
  R14: ["amiable", "signaler_caf", "2026-06-01", "en_retard", "AMIABLE", 3, true],
};

/** The reasons the API gives, first (and second where a plan or an older procedure adds one). */
const MOTIFS: Record<string, string[]> = {
  R01: [
    "Plan d'apurement du 01/09/2025 signé après le commandement de payer du 15/07/2025 et honoré : 1\u202f750,00\u00a0€ versés au-delà du loyer courant pour 1\u202f625,00\u00a0€ dus",
  ],
  R02: [
    "Plan d'apurement du 15/05/2025 rompu de fait le 15/01/2026 (2 échéances impayées), sans rupture enregistrée : 1\u202f200,00\u00a0€ versés au-delà du loyer courant pour 2\u202f000,00\u00a0€ dus",
  ],
  R03: ["Protocole de cohésion sociale du 15/09/2025 respecté : dette de 1\u202f600,00\u00a0€, 2\u202f900,00\u00a0€ au protocole"],
  R04: [
    "Délais de paiement accordés par jugement du 15/09/2025 non respectés depuis le 31/10/2026 (dette de 4\u202f700,00\u00a0€ contre 4\u202f500,00\u00a0€ au jugement) : la résiliation reprend effet",
  ],
  R05: [
    "Délais de paiement accordés par jugement du 15/09/2025 et respectés : dette de 1\u202f900,00\u00a0€, 4\u202f500,00\u00a0€ au jugement",
  ],
  R06: ["Dette de 60,00\u00a0€ au plus égale au seuil de 100,00\u00a0€ : procédure close"],
  R07: [
    "Aucun événement de procédure depuis le 15/05/2018 (dernière étape : Commandement de payer délivré le 15/05/2018) : procédure dormante depuis plus de 12 mois, à réexaminer (jamais en retard)",
  ],
  R08: [
    "Concours de la force publique accordé le 15/10/2026 : expulsion possible hors trêve hivernale, du 1er novembre au 31 mars (CPCE, art. L412-6)",
  ],
  R09: [
    "Commandement de payer du 01/07/2026 sans assignation : CCAPEX saisie le 01/10/2026, assignation possible 2 mois après, le 01/12/2026 (loi du 6 juillet 1989, art. 24, II)",
  ],
  R10: [
    "Commandement de payer du 01/07/2026 sans saisine de la CCAPEX : la saisir d'abord, aucune assignation avant 2 mois après la saisine (loi du 6 juillet 1989, art. 24, II)",
  ],
  R11: ["Bail en tiers payant sans versement d'APL depuis le 05/07/2026 (plus de 2 mois) : droits à vérifier avec le ménage et la CAF"],
  R12: [
    "Assignation du 15/05/2019 notifiée au préfet : audience au plus tôt 6 semaines après, le 26/06/2019 (loi du 6 juillet 1989, art. 24, III)",
    "Plan d'apurement du 01/09/2025 rompu le 15/12/2025 : la procédure reprend ce jour-là, son étape suivante n'est pas due avant",
  ],
  R13: [
    "Dette de 280,00\u00a0€ depuis le 31/01/2020 ; dernier contact (relance, rendez-vous, visite, plan signé) le 15/09/2026",
    "Plan d'apurement du 15/03/2020 échu le 15/01/2022, 12 mois après sa dernière échéance du 15/01/2021 : 720,00\u00a0€ versés au-delà du loyer courant pour 1\u202f000,00\u00a0€, il ne suspend plus rien et le dossier suit les règles sur la dette du jour",
  ],
  R15: [
    "Dette de 2\u202f100,00\u00a0€ (4,2 mois de loyer et charges) sans procédure, d'au moins 3 mois de loyer et charges depuis le 01/07/2026 (règle de l'organisme)",
    "Procédure ouverte par le commandement de payer du 15/03/2019 close le 31/07/2021, dette de 100,00\u00a0€ au plus égale au seuil de 100,00\u00a0€ : la dette née depuis relève du recouvrement amiable",
  ],
  R14: [
    "APL en tiers payant : dette d'au moins 2 mois de loyer et charges nets de l'APL (600,00\u00a0€) depuis le 01/04/2026, à signaler à la CAF dans les 2 mois (CCH, art. R824-1 et R824-4)",
  ],
};

/** The repayment plan the case shows, where it has one. */
const PLANS: Record<string, Record<string, unknown>> = {
  R01: {
    date_signature: "2025-09-01",
    montant: 3000,
    nb_echeances: 24,
    mensualite: 125,
    echeances_dues: 13,
    montant_du: 1625,
    montant_verse: 1750,
    etat_plan: "honore",
  },
  R02: { mensualite: 200, echeances_dues: 10, montant_du: 2000, montant_verse: 1200, etat_plan: "rompu_de_fait" },
  R12: { date_signature: "2025-09-01", etat_plan: "rompu" },
  R13: { date_signature: "2020-03-15", mensualite: 100, echeances_dues: 10, montant_du: 1000, montant_verse: 720, etat_plan: "echu" },
};

const EXPECTED = Object.fromEntries(
  Object.entries(STATES).map(([lease, [etat, action, due, statut, role, priorite, a_examiner]]) => [
    lease,
    { etat, action, due, statut, role, priorite, a_examiner, motif: MOTIFS[lease]![0]!, motif2: MOTIFS[lease]![1], plan: PLANS[lease] },
  ]),
);

describe("review case state: each history in its own office (meeting on 01/12/2026)", () => {
  for (const history of [...HISTORIES, JDP_HONOURED_THEN_NEW_DEBT]) {
    it(`${history.name} (${history.lease}): state, proposed action, due date and reason`, async () => {
      const { app, warehouse, cookie } = await officeApp([history]);
      try {
        const res = await app.request("/api/cases?examen=tous&date_reunion=2026-12-01", { headers: { Cookie: cookie } });
        expect(res.status, await res.clone().text()).toBe(200);
        const body = await res.json();
        expect(body.date_arrete).toBe("2026-10-31");
        expect(body.lignes).toHaveLength(1);
        const row = body.lignes[0] as Row;
        const want = EXPECTED[history.lease]!;
        expect({
          etat: row.etat,
          action: row.action,
          due: row.action_due_le,
          statut: row.action_statut,
          role: row.role_responsable,
          priorite: row.priorite,
          a_examiner: row.a_examiner,
        }).toEqual({
          etat: want.etat,
          action: want.action,
          due: want.due,
          statut: want.statut,
          role: want.role,
          priorite: want.priorite,
          a_examiner: want.a_examiner,
        });
        expect(row.motifs[0]).toBe(want.motif);
        if (want.motif2) expect(row.motifs[1]).toBe(want.motif2);
        if (want.plan) expect(row.plan).toMatchObject(want.plan);
        // Labels come from the seed, through SQL.
        expect(typeof row.etat_libelle).toBe("string");
        if (want.action) expect(typeof row.action_libelle).toBe("string");
      } finally {
        warehouse.close();
      }
    });
  }
});

describe("GET /api/cases on an office holding every history", () => {
  let app: ReturnType<typeof createApp>;
  let warehouse: WarehouseProvider;
  let cookie: string;
  beforeAll(async () => {
    ({ app, warehouse, cookie } = await officeApp(HISTORIES));
  });
  afterAll(() => warehouse.close());
  const get = (q: string) => app.request(`/api/cases?${q}`, { headers: { Cookie: cookie } });
  const json = async (q: string) => {
    const res = await get(q);
    expect(res.status, await res.clone().text()).toBe(200);
    return res.json();
  };

  it("counts the cases followed (14), to examine (10) and set apart (4)", async () => {
    const body = await json("date_reunion=2026-12-01");
    // Set apart: R01 (plan honoured), R03 (protocol kept), R05 (JDP kept), R06 (closed).
    expect([body.suivis, body.a_examiner, body.sans_action_requise, body.total]).toEqual([14, 10, 4, 10]);
    expect(body.lignes.every((r: Row) => r.a_examiner)).toBe(true);
    const apart = await json("date_reunion=2026-12-01&examen=sans_action&tri=contrat");
    expect(apart.lignes.map((r: Row) => r.num_contrat)).toEqual(["R01", "R03", "R05", "R06"]);
    expect((await json("date_reunion=2026-12-01&examen=tous")).total).toBe(14);
  });

  it("sorts by priority then due date by default", async () => {
    const body = await json("date_reunion=2026-12-01");
    expect(body.tri).toBe("priorite");
    // Priority 1 by due date: R12 15/12/2025 (resumed by the plan broken that day), R02 15/01/2026,
    // R10 01/07/2026, R11 05/09/2026, R04 31/10/2026, R09 01/12/2026, R08 01/04/2027; then priority 2:
    // R07 (dormant, no due date); then priority 3: R14 01/06/2026, R13 15/10/2026.
    expect(body.lignes.map((r: Row) => r.num_contrat)).toEqual(["R12", "R02", "R10", "R11", "R04", "R09", "R08", "R07", "R14", "R13"]);
  });

  it("filters by role and sector; suivis counts the role and sector only", async () => {
    const cesf = await json("date_reunion=2026-12-01&role=CESF");
    expect(cesf.lignes.map((r: Row) => r.num_contrat).sort()).toEqual(["R10", "R11"]);
    expect(cesf.suivis).toBe(2);
    const north = await json("date_reunion=2026-12-01&secteur=N&examen=tous");
    // odd leases: R01 R03 R05 R07 R09 R11 R13
    expect([north.suivis, north.total]).toEqual([7, 7]);
    expect(north.lignes.every((r: Row) => r.code_secteur === "N")).toBe(true);
  });

  it("filters due dates on the meeting date: before it, and within 30 days after it", async () => {
    const before = await json("date_reunion=2026-12-01&echeance=avant_reunion&tri=contrat");
    // due on or before 01/12/2026: R02, R04, R09 (due that very day), R10, R11, R12, R13, R14; not R08 (truce: 01/04/2027), not R07 (no date)
    expect(before.lignes.map((r: Row) => r.num_contrat)).toEqual(["R02", "R04", "R09", "R10", "R11", "R12", "R13", "R14"]);
    const soon = await json("date_reunion=2026-11-15&echeance=30_jours&tri=contrat");
    // a meeting on 15/11/2026: due from 16/11 to 15/12/2026: only R09 (01/12/2026)
    expect(soon.lignes.map((r: Row) => r.num_contrat)).toEqual(["R09"]);
  });

  it("applies the winter truce on the meeting date, not the data date", async () => {
    const october = await json("date_reunion=2026-10-20&secteur=S&role=CONTENTIEUX&tri=contrat");
    const r08 = october.lignes.find((r: Row) => r.num_contrat === "R08");
    expect([r08.action_due_le, r08.action_statut]).toEqual(["2026-10-15", "en_retard"]);
    const december = await json("date_reunion=2026-12-01&secteur=S&role=CONTENTIEUX&tri=contrat");
    const r08d = december.lignes.find((r: Row) => r.num_contrat === "R08");
    expect([r08d.action_due_le, r08d.action_statut]).toEqual(["2027-04-01", "a_venir"]);
  });

  it("gives the last page for a page beyond it, and says which", async () => {
    const body = await json("date_reunion=2026-12-01&taille=3&page=999&tri=contrat");
    expect([body.page, body.pages, body.total]).toEqual([4, 4, 10]);
    expect(body.lignes.map((r: Row) => r.num_contrat)).toEqual(["R14"]);
  });

  it("refuses a meeting date out of range or malformed, a role or window unknown, with a French 400", async () => {
    for (const [q, param] of [
      ["date_reunion=2025-10-30", "date_reunion"],
      ["date_reunion=2031-01-01", "date_reunion"],
      ["date_reunion=2026-02-30", "date_reunion"],
      ["date_reunion=01/12/2026", "date_reunion"],
      ["role=DIRECTION", "role"],
      ["echeance=demain", "echeance"],
      ["examen=rien", "examen"],
    ]) {
      const res = await get(q!);
      expect(res.status, q).toBe(400);
      expect((await res.json()).erreur, q).toContain(`Paramètre « ${param} » invalide`);
    }
  });

  it("gives the case card the same worklist row", async () => {
    const res = await app.request("/api/cases/R09?date_reunion=2026-12-01", { headers: { Cookie: cookie } });
    const body = await res.json();
    expect(body.revue).toMatchObject({
      action: "assigner",
      action_due_le: "2026-12-01",
      action_statut: "a_venir",
      role_responsable: "CONTENTIEUX",
      code_agent: "AG_CTX",
    });
    expect(body.revue.motifs[0]).toBe(EXPECTED.R09!.motif);
  });

  it("writes the same rows as CSV with French headers", async () => {
    const res = await get("date_reunion=2026-12-01&format=csv&tri=contrat");
    const text = Buffer.from(await res.arrayBuffer()).toString("utf8");
    const [header, ...lines] = text
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    // The header line as French Excel reads it, a line of columns per part of the case.
    expect(header).toBe(
      "Contrat;Secteur;Solde (€);Dette en mois;Moins de 3 mois (€);3 à 12 mois (€);Plus de 12 mois (€);Évolution sur 3 mois (€);" +
        "Étape;Date de l'étape;Dernière action;Date de la dernière action;Dernier paiement;" +
        "État;Action proposée;Due le;Statut;Motifs;Rôle;Agent;Priorité;À examiner;" +
        "Plan signé le;Mensualité du plan (€);Échéances dues;Montant dû au plan (€);Versé au-delà du loyer (€);État du plan",
    );
    expect(lines.map((l) => l.split(";")[0])).toEqual(["R02", "R04", "R07", "R08", "R09", "R10", "R11", "R12", "R13", "R14"]);
    const r09 = lines.find((l) => l.startsWith("R09;"))!.split(";");
    expect([r09[14], r09[15], r09[16], r09[18], r09[19], r09[20], r09[21]]).toEqual([
      "Assigner",
      "01/12/2026",
      "À venir",
      "Chargée de contentieux",
      "AG_CTX",
      "Haute",
      "Oui",
    ]);
  });
});
