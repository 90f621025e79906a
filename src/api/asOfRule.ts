/**
 * Which roles get aggregates at month ends only (issue 10; the rule is in
 * src/warehouse/monthEnds.ts): every role that cannot open cases. A role that reads the
 * cases gains nothing from differencing two dates, so it keeps day-level dates. Derived
 * from PERMISSIONS, so a new role without case access is covered without another list.
 */
import type { Context } from "hono";
import type { AppEnv } from "./context.ts";
import { PERMISSIONS, type Role } from "./users.ts";

export const monthEndsOnlyFor = (role: Role): boolean => !(PERMISSIONS.cases as readonly Role[]).includes(role);

/** For a route behind requirePermission (a session is there). */
export const monthEndsOnly = (c: Context<AppEnv>): boolean => monthEndsOnlyFor(c.var.session!.role);
