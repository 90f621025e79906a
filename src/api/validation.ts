/**
 * zod at the boundary: request parameters are validated here and only here, and a
 * bad one becomes a 400 that names the parameter and says why, in French.
 */
import { zValidator } from "@hono/zod-validator";
import { HTTPException } from "hono/http-exception";
import type { ValidationTargets } from "hono";
import { z } from "zod";
import { LEASE_NUMBER } from "../models/leaseNumber.ts";

export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const param = issue.path.join(".") || "(requête)";
      throw new HTTPException(400, { message: `Paramètre « ${param} » invalide : ${issue.message}` });
    }
  });
}

const required = { error: (iss: { input: unknown }) => (iss.input === undefined ? "paramètre obligatoire" : "texte attendu") };

const year = z
  .string(required)
  .regex(/^\d{4}$/, "une année sur quatre chiffres est attendue, par exemple 2024")
  .transform(Number);
const isoDate = z.string(required).regex(/^\d{4}-\d{2}-\d{2}$/, "une date aaaa-mm-jj est attendue, par exemple 2024-06-30");
const sector = z.string(required).regex(/^[A-Za-z0-9_-]{1,32}$/, "un code secteur (lettres, chiffres, - ou _) est attendu");

// The ETL's rule (src/models/leaseNumber.ts): a number it would load is one the API opens.
const leaseNumber = z
  .string(required)
  .regex(new RegExp(`^(?:${LEASE_NUMBER.pattern})$`), `numéro de contrat non conforme (attendu : ${LEASE_NUMBER.description})`);

export const params = { year, isoDate, sector, leaseNumber };
export { z };
