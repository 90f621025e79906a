/**
 * The one rule for a lease number (`num_contrat`), shared by the ETL (a lease row whose
 * number breaks it is set aside by the lease row checks of etl/models/intermediate, through the
 * macro `lease_number_ok` that src/etl/models.ts createMacros builds from this constant),
 * the API (`/api/cases/:num_contrat`, src/api/validation.ts) and hence the review page.
 *
 * Why this pattern: the ERP's numbers are letters, digits and a few separators (the demo's
 * are like C00102702; others write 2019/00123, BX-12.4 or A_77). It is the API's former
 * parameter rule, with the first character a letter or digit: a number starting with `-`,
 * `.` or `/` is never a real one, looks like a path segment (`..`) or a spreadsheet formula
 * (`-A1`), and can be refused at both ends. No spaces and no accents: they do not survive
 * URLs, CSV round trips and ERP re-exports unchanged, and no ERP we know puts them in its
 * numbers (the ETL trims the spaces around a value before the check). Kept to RE2's and
 * JavaScript's common syntax, since DuckDB (RE2) and zod (JavaScript) both run it.
 */
export const LEASE_NUMBER = {
  pattern: "[A-Za-z0-9][A-Za-z0-9_./-]{0,39}",
  /** Said to whoever meets a refused number (reason a row is set aside, API error). */
  description:
    "1 à 40 caractères : lettres sans accent, chiffres, « - », « _ », « . » ou « / », en commençant par une lettre ou un chiffre",
} as const;

/** The whole text is a lease number under LEASE_NUMBER (no trimming here). */
export const isLeaseNumber = (s: string): boolean => new RegExp(`^(?:${LEASE_NUMBER.pattern})$`).test(s);
