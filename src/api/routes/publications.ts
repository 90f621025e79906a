import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { PublicationError } from "../../errors.ts";
import { publicationCsv } from "../../publications/exportCsv.ts";
import { figureGaps } from "../../publications/compare.ts";
import { NOTE_MAX, publish, TITLE_MAX, withdraw } from "../../publications/publish.ts";
import { currentFigures, revisions, stateOf } from "../../publications/revisions.ts";
import { findPublication, PUBLICATION_ID, publicationHeading, readPublications, type StoredPublication } from "../../publications/store.ts";
import type { AppEnv } from "../context.ts";
import { requirePermission } from "../auth.ts";
import { PERMISSIONS, type Role } from "../users.ts";
import { params, validate, z } from "../validation.ts";

/**
 * Publications (src/publications/): figures frozen when an admin publishes them.
 *
 * GET /api/publications (every role with aggregates): the list, each with its state
 * (inchangee, revisee, retiree). GET /api/publications/:id: the frozen figures and their
 * provenance, `?format=csv` for French Excel. GET /api/publications/:id/revisions: today's value
 * beside the published one for every figure that differs, and the export rows that changed,
 * counted by file and kind with their effect; the changed rows themselves (`detail`, with lease
 * numbers) only for the roles that read cases. POST /api/publications and
 * POST /api/publications/:id/retrait: admin only (the publish permission).
 *
 * The publications file lives beside the published warehouse (`<db>.publications.jsonl`): its
 * path comes from the warehouse handle, never from the request.
 */

const idParam = z.object({
  id: z.string().regex(PUBLICATION_ID, "identifiant de publication attendu, par exemple 2024-3f9a1c"),
});

const publishBody = z.object({
  annee: z.number({ error: "année attendue (nombre), par exemple 2024" }).int().min(1900).max(2100),
  au: params.isoDate.optional(),
  titre: z
    .string({ error: "titre attendu, par exemple « Rapport d'activité 2024 »" })
    .min(1, "titre obligatoire")
    .max(TITLE_MAX, `${TITLE_MAX} caractères au plus`),
  note: z.string().max(NOTE_MAX, `${NOTE_MAX} caractères au plus`).nullable().optional(),
});

const withdrawBody = z.object({
  motif: z
    .string({ error: "motif attendu : la raison du retrait" })
    .min(1, "motif obligatoire")
    .max(NOTE_MAX, `${NOTE_MAX} caractères au plus`),
});

/** The path of the published warehouse, from the server's handle. */
const warehousePath = (c: Context<AppEnv>) => c.var.ctx.warehouse.use(async (wh) => wh.path);

/** A PublicationError as the HTTP status it names; anything else goes to app.onError. */
async function answering<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof PublicationError && e.status !== 500) throw new HTTPException(e.status, { message: e.message });
    throw e;
  }
}

/** Whether today's figures differ from the published ones: computed once per published warehouse and publication. */
async function isRevised(c: Context<AppEnv>, p: StoredPublication): Promise<boolean> {
  const text = await c.var.ctx.warehouse.json(
    `publication-revisee ${p.id}`,
    async (wh) => figureGaps(p.chiffres, await currentFigures(wh, p)).length > 0,
  );
  return text === "true";
}

const summary = (p: StoredPublication, etat: string) => ({
  ...publicationHeading(p),
  publie_par: p.publie_par,
  etat,
  retrait: p.retrait ? { motif: p.retrait.motif, retire_le: p.retrait.retire_le, retire_par: p.retrait.retire_par } : null,
});

export const publicationsRoutes = new Hono<AppEnv>()
  .get("/", requirePermission("aggregates"), async (c) => {
    const db = await warehousePath(c);
    const { publications, lignes_ignorees } = readPublications(db);
    const list = [];
    for (const p of [...publications].reverse()) list.push(summary(p, stateOf(p, !p.retrait && (await isRevised(c, p)))));
    return c.json({ publications: list, lignes_ignorees });
  })
  .post("/", requirePermission("publish"), validate("json", publishBody), async (c) => {
    const body = c.req.valid("json");
    const session = c.var.session!;
    const db = await warehousePath(c);
    const p = await answering(() =>
      publish({
        dbPath: db,
        annee: body.annee,
        au: body.au ?? null,
        titre: body.titre,
        note: body.note ?? null,
        par: { identifiant: session.identifiant, role: session.role },
      }),
    );
    return c.json({ ...summary({ ...p, retrait: null }, "inchangee"), chiffres: p.chiffres }, 201);
  })
  .get(
    "/:id",
    requirePermission("aggregates"),
    validate("param", idParam),
    validate("query", z.object({ format: z.enum(["json", "csv"], { error: "format inconnu : json ou csv" }).optional() })),
    async (c) => {
      const { id } = c.req.valid("param");
      const db = await warehousePath(c);
      const p = await answering(async () => findPublication(db, id));
      const etat = stateOf(p, !p.retrait && (await isRevised(c, p)));
      if (c.req.valid("query").format === "csv") {
        return c.body(publicationCsv(p, etat), 200, {
          "Content-Type": "text/csv; charset=utf-8",
          "Content-Disposition": `attachment; filename="publication-${p.id}.csv"`,
        });
      }
      const { type: _type, version: _version, retrait, ...rest } = p;
      return c.json({ ...rest, etat, retrait });
    },
  )
  .get("/:id/revisions", requirePermission("aggregates"), validate("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    const db = await warehousePath(c);
    const p = await answering(async () => findPublication(db, id));
    // why: the changed rows name leases; only the roles that read cases get them
    const detail = (PERMISSIONS.cases as readonly Role[]).includes(c.var.session!.role);
    return c.json(await answering(() => c.var.ctx.warehouse.use((wh) => revisions(wh, db, p, { detail }))));
  })
  .post("/:id/retrait", requirePermission("publish"), validate("param", idParam), validate("json", withdrawBody), async (c) => {
    const { id } = c.req.valid("param");
    const session = c.var.session!;
    const db = await warehousePath(c);
    const event = await answering(async () =>
      withdraw({ dbPath: db, id, motif: c.req.valid("json").motif, par: { identifiant: session.identifiant, role: session.role } }),
    );
    return c.json({ id: event.id, etat: "retiree", motif: event.motif, retire_le: event.retire_le, retire_par: event.retire_par });
  });
