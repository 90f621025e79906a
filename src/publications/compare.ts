/**
 * Published figures against figures computed again (today's, or a verification's): which
 * differ, and by how much in the figure's own unit (points for rates). Values are compared as
 * the figures JSON gives them, exactly: the same SQL over the same rows gives the same numbers.
 */
import { COHORT_FIGURES, FIGURES, type FigureDefinition } from "../figures/definitions.ts";
import { formatValue } from "../../reports/components/format.ts";
import type { FiguresRecord } from "../warehouse/figures.ts";

export interface FigureSet {
  ensemble: FiguresRecord;
  secteurs: FiguresRecord[];
}

export interface FigureGap {
  /** null: the whole landlord. */
  secteur: string | null;
  cle: string;
  groupe: "figures" | "cohorte_commandements";
  libelle: string;
  unite: FigureDefinition["unite"];
  publie: number | null;
  actuel: number | null;
  /** actuel − publie in the figure's unit, points for rates (×100); null when either is null. */
  ecart: number | null;
  /** "+0,12 point", "−100,00 €", "+1", in French. */
  ecart_texte: string;
  publie_texte: string;
  actuel_texte: string;
}

const MINUS = "\u2212";
const points = new Intl.NumberFormat("fr-FR", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** A signed difference in French: "+0,12 point", "−2,50 points", "−100,00 €", "+3", "+1,5 j". */
export function signedText(value: number | null, unit: FigureDefinition["unite"]): string {
  if (value === null) return "—";
  const sign = value < 0 ? MINUS : "+";
  const abs = Math.abs(value);
  if (unit === "taux") return `${sign}${points.format(abs)} point${abs >= 2 ? "s" : ""}`;
  return `${sign}${formatValue(abs, unit)}`;
}

const valueOf = (r: FiguresRecord | undefined, group: FigureGap["groupe"], cle: string): number | null => {
  if (!r) return null;
  const v = group === "figures" ? r[cle] : r.cohorte_commandements?.[cle];
  return typeof v === "number" ? v : null;
};

/** Every figure of every scope whose value differs, landlord first, then sectors in code order. */
export function figureGaps(published: FigureSet, current: FigureSet): FigureGap[] {
  const scopes = new Set<string>([...published.secteurs, ...current.secteurs].map((r) => r.secteur!).filter((s) => s !== null));
  const pairs: Array<[string | null, FiguresRecord | undefined, FiguresRecord | undefined]> = [
    [null, published.ensemble, current.ensemble],
    ...[...scopes]
      .sort()
      .map((s): [string, FiguresRecord | undefined, FiguresRecord | undefined] => [
        s,
        published.secteurs.find((r) => r.secteur === s),
        current.secteurs.find((r) => r.secteur === s),
      ]),
  ];
  const out: FigureGap[] = [];
  const defs: Array<[FigureGap["groupe"], readonly FigureDefinition[]]> = [
    ["figures", FIGURES],
    ["cohorte_commandements", COHORT_FIGURES],
  ];
  for (const [secteur, before, after] of pairs) {
    for (const [groupe, list] of defs) {
      for (const def of list) {
        const publie = valueOf(before, groupe, def.cle);
        const actuel = valueOf(after, groupe, def.cle);
        if (publie === actuel) continue;
        const raw = publie !== null && actuel !== null ? actuel - publie : null;
        // why the rounding: a difference of two doubles (0.1 + 0.2) shows its last bits otherwise
        const ecart = raw === null ? null : def.unite === "taux" ? round(raw * 100, 10) : round(raw, 6);
        out.push({
          secteur,
          cle: def.cle,
          groupe,
          libelle: def.libelle,
          unite: def.unite,
          publie,
          actuel,
          ecart,
          ecart_texte: signedText(ecart, def.unite),
          publie_texte: formatValue(publie, def.unite),
          actuel_texte: formatValue(actuel, def.unite),
        });
      }
    }
  }
  return out;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
