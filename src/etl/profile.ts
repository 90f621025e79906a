/**
 * Mapping profiles: adapt another ERP's exports to the reference format
 * (column names, file prefixes and code values). The reference format is the
 * default profile: every mapping empty. Validated with zod at the boundary.
 */
import fs from "node:fs";
import { z } from "zod";
import { ConfigError } from "../errors.ts";
import { EXPORT_SCHEMA, KINDS, type Kind } from "./exportSchema.ts";

export const CODE_FIELDS = [
  "role",
  "motif_sortie",
  "situation_emploi_entree",
  "code_mouvement",
  "mode_reglement",
  "code_action",
  "booleen",
] as const;
export type CodeField = (typeof CODE_FIELDS)[number];

const kindEnum = z.enum(KINDS);
const codeFieldEnum = z.enum(CODE_FIELDS);

export const profileSchema = z
  .object({
    nom: z.string().min(1),
    /** File name prefix used by the ERP for each kind, e.g. { "baux": "contrats" }. */
    fichiers: z.partialRecord(kindEnum, z.string().regex(/^[a-z0-9]+$/i)).default({}),
    /** Per kind: reference column -> the ERP's column name. */
    colonnes: z.partialRecord(kindEnum, z.record(z.string(), z.string().min(1))).default({}),
    /** Per coded field: the ERP's code -> the reference code. */
    codes: z.partialRecord(codeFieldEnum, z.record(z.string(), z.string())).default({}),
    /** Share of bad rows above which a file is refused whole. */
    seuil_refus: z.number().min(0).max(1).default(0.01),
    /**
     * Seconds a file must have been left unchanged (by its modification time) before a run
     * reads it: a file modified more recently may still be being written and waits for a later
     * run ("en attente"). Not applied when `marqueur_fin` is set.
     */
    delai_stabilite_s: z.number().int().min(0).max(86_400).default(60),
    /**
     * Completion marker, a suffix such as ".ok": when set, `<file><suffix>` dropped in the inbox
     * after the file says it is complete, and a file is read only once its marker is there.
     */
    marqueur_fin: z
      .string()
      .regex(
        /^[._-][a-z0-9._-]{1,20}$/i,
        "suffixe de marqueur attendu, par exemple « .ok » (un point, un tiret ou un souligné, puis lettres ou chiffres)",
      )
      .optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    for (const [kind, mapping] of Object.entries(p.colonnes)) {
      const known = new Set(EXPORT_SCHEMA[kind as Kind].columns);
      for (const ref of Object.keys(mapping ?? {})) {
        if (!known.has(ref)) {
          ctx.addIssue({
            code: "custom",
            path: ["colonnes", kind, ref],
            message: `« ${ref} » n'est pas une colonne du format de référence pour ${kind}`,
          });
        }
      }
    }
  });

export type Profile = z.infer<typeof profileSchema>;

export const DEFAULT_PROFILE: Profile = profileSchema.parse({ nom: "référence" });

export function loadProfile(path: string | undefined): Profile {
  if (!path) return DEFAULT_PROFILE;
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(path, "utf8"));
  } catch (e) {
    throw new ConfigError(`Profil ${path} illisible : ${(e as Error).message}. Vérifiez le chemin et la syntaxe JSON.`);
  }
  const parsed = profileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(racine)"} : ${i.message}`).join("; ");
    throw new ConfigError(`Profil ${path} invalide : ${issues}`);
  }
  return parsed.data;
}

/** The kind a file prefix stands for under this profile, or null. */
export function kindForPrefix(profile: Profile, prefix: string): Kind | null {
  const lower = prefix.toLowerCase();
  for (const kind of KINDS) {
    const p = (profile.fichiers[kind] ?? kind).toLowerCase();
    if (p === lower) return kind;
  }
  return null;
}

/** ERP header name (lowercase) -> reference column, for one kind. */
export function headerMapping(profile: Profile, kind: Kind): Map<string, string> {
  const map = new Map<string, string>();
  const custom = profile.colonnes[kind] ?? {};
  const schema = EXPORT_SCHEMA[kind];
  for (const ref of [...schema.columns, ...schema.neverLoaded]) {
    map.set((custom[ref] ?? ref).toLowerCase(), ref);
  }
  return map;
}

/** Rows of (field, ERP code, reference code) for the etl_profile_codes table. */
export function codeMappingRows(profile: Profile): Array<[string, string, string]> {
  const rows: Array<[string, string, string]> = [];
  for (const [field, mapping] of Object.entries(profile.codes)) {
    for (const [erp, ref] of Object.entries(mapping ?? {})) rows.push([field, erp, ref]);
  }
  return rows;
}
