/**
 * The reference export format (etl/models/staging/EXPORT_FORMAT.md) as data: which kinds of file
 * exist, their key and the columns the ETL keeps. Parsing and validation of values
 * happen in SQL (etl/models/staging); this module only knows the shape of a file.
 */

export const KINDS = ["secteurs", "agents", "baux", "ecritures", "actions"] as const;
export type Kind = (typeof KINDS)[number];

export interface KindSchema {
  key: string;
  /** Columns loaded into the raw table, in this order. All are required in the header. */
  columns: readonly string[];
  /** Columns of the format that are never loaded (personal data): read past, never stored. */
  neverLoaded: readonly string[];
}

export const EXPORT_SCHEMA: Record<Kind, KindSchema> = {
  secteurs: {
    key: "code_secteur",
    columns: ["code_secteur", "libelle_secteur", "agence"],
    neverLoaded: [],
  },
  agents: {
    key: "code_agent",
    columns: ["code_agent", "role", "code_secteur"],
    neverLoaded: [],
  },
  baux: {
    key: "num_contrat",
    columns: [
      "num_contrat",
      "num_logement",
      "code_secteur",
      "commune",
      "date_entree",
      "date_sortie",
      "motif_sortie",
      "situation_emploi_entree",
      "nb_occupants",
      "beneficiaire_apl",
      "loyer_mensuel",
      "charges_mensuelles",
    ],
    neverLoaded: [],
  },
  ecritures: {
    key: "id_ecriture",
    columns: ["id_ecriture", "num_contrat", "date_ecriture", "periode", "code_mouvement", "libelle", "debit", "credit", "mode_reglement"],
    neverLoaded: [],
  },
  actions: {
    key: "id_action",
    columns: ["id_action", "num_contrat", "date_action", "code_action", "code_agent", "montant", "nb_echeances", "annulee"],
    // Free text written by the landlord's agents about households: personal data, never loaded.
    neverLoaded: ["commentaire"],
  },
};

/** The header of each kind of file as the ERP writes it: the kept columns, then those never loaded. */
export const EXPORT_HEADERS = Object.fromEntries(
  KINDS.map((k) => [k, [...EXPORT_SCHEMA[k].columns, ...EXPORT_SCHEMA[k].neverLoaded]]),
) as unknown as Record<Kind, readonly string[]>;

/** `<kind>_<YYYYMMDD>.csv`, kind and date validated separately. */
const FILE_NAME = /^([a-z]+)_(\d{8})\.csv$/i;

export interface ExportFileName {
  kind: string;
  /** ISO yyyy-mm-dd, or null when the 8 digits are not a real date. */
  exportDate: string | null;
}

export function parseExportFileName(name: string): ExportFileName | null {
  const m = FILE_NAME.exec(name);
  if (!m) return null;
  const digits = m[2]!;
  const y = Number(digits.slice(0, 4));
  const mo = Number(digits.slice(4, 6));
  const d = Number(digits.slice(6, 8));
  const date = new Date(Date.UTC(y, mo - 1, d));
  const valid = y >= 1900 && y <= 2099 && date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
  return {
    kind: m[1]!.toLowerCase(),
    exportDate: valid ? `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}` : null,
  };
}
