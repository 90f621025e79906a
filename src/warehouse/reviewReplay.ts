/**
 * The monthly review replayed over the history (issue 11, item 7): at each month end M of a
 * range, the review models (those declared `-- config: as_of = latest`) are recomputed as if
 * M were the latest data date, in a private in-memory schema that shadows the warehouse's
 * tables of the same name; the worklist they give is kept, and etl/analyses/
 * review_replay_outcomes.sql says what became of each case within the horizon. Nothing of
 * the review is re-implemented here: the same SQL models run, only the as-of date moves.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { formatDate } from "../../reports/components/format.ts";
import { QueryError } from "../errors.ts";
import { inShadowSchema } from "../models/adHocAsOf.ts";
import { asOfChain, loadModels, materialize, modelWithRole, readSql } from "../models/models.ts";
import { projectPath } from "../paths.ts";
import { queryRows, type Row } from "../duckdb/db.ts";
import type { Warehouse } from "./warehouse.ts";
import { dataBounds } from "./dataBounds.ts";

/** The worklist model the review page and /api/cases read. */
const WORKLIST = "review_cases";

export interface ReplayOptions {
  /** First month replayed, yyyy-mm. */
  from: string;
  /** Last month replayed, yyyy-mm. */
  to: string;
  /** Months after M at whose end the outcome is read. */
  horizonMonths: number;
}

/** One month end, one side of the cut and one case state. */
export type ReplayOutcome = {
  mois: string;
  horizon: string;
  a_examiner: boolean;
  etat: string;
  etat_libelle: string;
  dossiers: number;
  aggraves: number;
  etape_contentieuse: number;
  hausse_forte: number;
  dette_en_hausse: number;
  dette_en_baisse: number;
};

export interface ReplayResult {
  donnees_jusqu_au: string;
  horizon_mois: number;
  /** A row per month end, side and state met (none for a side or state with no case). */
  resultats: ReplayOutcome[];
  /** What the replay met: households in each history the review's rules are written for. */
  histoires: ReplayHistory[];
  /** A row per year of the range, then one for the whole range (etl/analyses/review_replay_summary.sql). */
  synthese: ReplaySummary[];
  /** A row per case state, the most frequent first (etl/analyses/review_replay_by_state.sql). */
  par_etat: ReplayStateSummary[];
}

export type ReplayHistory = { histoire: string; libelle: string; menages: number };

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The models recomputed at each month end: those of the worklist's chain computed at the latest date only. */
export function replayedModels(models = loadModels()) {
  const chain = asOfChain(WORKLIST, models).filter((m) => m.asOf === "latest");
  if (!chain.some((m) => m.name === WORKLIST)) {
    throw new Error(`${WORKLIST} must be declared "-- config: as_of = latest" for the review replay`);
  }
  return chain;
}

export async function replayReview(wh: Warehouse, options: ReplayOptions): Promise<ReplayResult> {
  for (const [flag, month] of [
    ["--de", options.from],
    ["--a", options.to],
  ] as const) {
    if (!MONTH.test(month)) throw new QueryError(`${flag} « ${month} » invalide : un mois aaaa-mm est attendu, par exemple 2022-01.`);
  }
  if (options.from > options.to) throw new QueryError(`--de ${options.from} est après --a ${options.to}.`);
  if (!Number.isInteger(options.horizonMonths) || options.horizonMonths < 1 || options.horizonMonths > 24) {
    throw new QueryError(`--horizon « ${options.horizonMonths} » invalide : un nombre de mois entre 1 et 24 est attendu.`);
  }
  const lastDay = (await dataBounds(wh)).dernier_jour;
  if (!lastDay) throw new QueryError("l'entrepôt ne contient aucune écriture : lancez d'abord un chargement.");
  const monthEnds = (
    await queryRows<{ d: string }>(
      wh.conn,
      `select strftime(date_arrete, '%Y-%m-%d') as d from as_of_dates
       where est_fin_de_mois and strftime(date_arrete, '%Y-%m') between $from and $to order by date_arrete`,
      { from: options.from, to: options.to },
    )
  ).map((r) => r.d);
  if (monthEnds.length === 0) {
    throw new QueryError(`aucune fin de mois chargée entre ${options.from} et ${options.to} (données jusqu'au ${formatDate(lastDay)}).`);
  }
  const last = monthEnds[monthEnds.length - 1]!;
  const [h] = await queryRows<{ h: string }>(
    wh.conn,
    `select strftime(last_day(cast(cast($m as date) + to_months(cast($n as integer)) as date)), '%Y-%m-%d') as h`,
    { m: last, n: options.horizonMonths },
  );
  if (h!.h > lastDay) {
    throw new QueryError(
      `l'issue à ${options.horizonMonths} mois du ${formatDate(last)} n'est pas encore connue : il faudrait des données jusqu'au ` +
        `${formatDate(h!.h)}, elles vont jusqu'au ${formatDate(lastDay)}. Arrêtez le rejeu plus tôt (--a) ou raccourcissez l'horizon.`,
    );
  }

  return inShadowSchema(wh.instance, { prefix: "replay" }, async (conn, schema) => {
    await conn.run(
      `create table ${schema}.replay_cases (
         mois date, num_contrat varchar, a_examiner boolean, etat varchar, solde decimal(18, 2),
         apl_interrompue boolean, paiements_interrompus boolean, premiere_dette boolean, etat_plan varchar)`,
    );
    const models = replayedModels();
    for (const m of monthEnds) {
      await worklistAt(conn, schema, models, m);
      await keepWorklist(conn, schema, m);
    }
    const analysis = (name: string) => readSql(projectPath("etl", "analyses", `${name}.sql`));
    // why a table: the summaries read the outcomes' rows (etl/analyses/review_replay_summary.sql, _by_state.sql)
    await conn.run(`create table ${schema}.replay_outcomes as ${analysis("review_replay_outcomes")}`, {
      horizon: options.horizonMonths,
    });
    const rows = await queryRows<ReplayOutcome>(
      conn,
      `select strftime(mois, '%Y-%m-%d') as mois, strftime(horizon, '%Y-%m-%d') as horizon, a_examiner, etat, etat_libelle,
              cast(dossiers as integer) as dossiers, cast(aggraves as integer) as aggraves,
              cast(etape_contentieuse as integer) as etape_contentieuse, cast(hausse_forte as integer) as hausse_forte,
              cast(dette_en_hausse as integer) as dette_en_hausse, cast(dette_en_baisse as integer) as dette_en_baisse
       from ${schema}.replay_outcomes order by mois, a_examiner desc, etat`,
    );
    const histories = await queryRows<ReplayHistory>(
      conn,
      `select histoire, libelle, cast(menages as integer) as menages from (${analysis("review_replay_histories")})`,
    );
    const synthese = await queryRows<ReplaySummary>(conn, analysis("review_replay_summary"));
    const parEtat = await queryRows<ReplayStateSummary>(conn, analysis("review_replay_by_state"));
    return {
      donnees_jusqu_au: lastDay,
      horizon_mois: options.horizonMonths,
      resultats: rows,
      histoires: histories,
      synthese,
      par_etat: parEtat,
    };
  });
}

/**
 * The worklist as the review models give it when `monthEnd` is the latest data date (at the
 * latest date itself, the published review_cases: what the replay's test checks).
 */
export async function replayedWorklist(wh: Warehouse, monthEnd: string): Promise<Row[]> {
  return inShadowSchema(wh.instance, { prefix: "replay" }, async (conn, schema) => {
    await worklistAt(conn, schema, replayedModels(), monthEnd);
    return queryRows(conn, `select * exclude (date_arrete) from ${schema}.${WORKLIST} order by num_contrat`);
  });
}

/**
 * The worklist as the review models give it when M is the latest data date: the as-of dates up
 * to M with M flagged as the latest (every other column as the model computed it), then the
 * replayed models in order; the as-of-date tables the warehouse keeps for every date (positions)
 * are read as they are, each model bounding them by its D.
 */
async function worklistAt(conn: DuckDBConnection, schema: string, models: ReturnType<typeof replayedModels>, m: string) {
  const asOfDates = modelWithRole("calendar").name;
  await conn.run(
    `create or replace table ${schema}.${asOfDates} as
     select * replace (date_arrete = cast($m as date) as est_derniere_donnee)
     from wh.main.${asOfDates} where date_arrete <= cast($m as date)`,
    { m },
  );
  for (const model of models) await materialize(conn, model, { schema, as: "table" });
}

/** Keep the worklist computed at M (worklistAt) for the outcomes. */
async function keepWorklist(conn: DuckDBConnection, schema: string, m: string) {
  await conn.run(
    `insert into ${schema}.replay_cases
     select cast($m as date), num_contrat, a_examiner, etat, solde, apl_interrompue, paiements_interrompus, premiere_dette, etat_plan
     from ${schema}.${WORKLIST}`,
    { m },
  );
}

/** The replay's figures over a year or the whole range: averages per month end and shares of the case-months. */
export type ReplaySummary = {
  /** The year, or null for the whole range. */
  annee: number | null;
  fins_de_mois: number;
  suivis_moyen: number;
  a_examiner_moyen: number;
  mis_de_cote_moyen: number;
  /** Set-apart case-months over followed case-months: the caseload cut. */
  part_mis_de_cote: number;
  /** Shares of the set-apart (resp. proposed) case-months that got worse within the horizon. */
  mis_de_cote_aggraves: number;
  mis_de_cote_etape_contentieuse: number;
  mis_de_cote_hausse_forte: number;
  mis_de_cote_dette_en_baisse: number;
  proposes_aggraves: number;
};

/** The replay by case state over the whole range: how each state is cut and how its cases fared. */
export type ReplayStateSummary = {
  etat: string;
  etat_libelle: string;
  dossiers: number;
  part_mis_de_cote: number;
  mis_de_cote_aggraves: number;
  proposes_aggraves: number;
};
