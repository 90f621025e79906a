/**
 * The codes of the monthly review that the API validates (stages, roles, due-date windows,
 * examination filters), read from the one list of their French labels,
 * etl/seeds/review_labels.csv (champ;code;libelle), which the SQL models also read. The
 * labels themselves reach the API's rows through SQL (review_cases.*_libelle); none is
 * written here.
 */
import { seedRows } from "./seeds.ts";

export interface ReviewLabel {
  champ: string;
  code: string;
  libelle: string;
}

/** Every row of etl/seeds/review_labels.csv. */
export function reviewLabels(): ReviewLabel[] {
  return seedRows<keyof ReviewLabel>("review_labels");
}

/** The codes of one field of the seed, in its order. */
export function reviewCodes(champ: string): string[] {
  return reviewLabels()
    .filter((l) => l.champ === champ)
    .map((l) => l.code);
}

/** The French label of a code (for the CSV's fixed columns); the code itself when unknown. */
export function reviewLabel(champ: string, code: string | null | undefined): string {
  if (code === null || code === undefined) return "";
  return reviewLabels().find((l) => l.champ === champ && l.code === code)?.libelle ?? code;
}

export const STAGE_CODES = reviewCodes("etape");
export const DUE_WINDOWS = reviewCodes("echeance");
export const EXAMINATION_FILTERS = reviewCodes("examen");
/** The roles that own a case (etl/seeds/roles.csv; singular labels in ref_codes.csv). */
export { OWNER_ROLES } from "./seeds.ts";
