/**
 * Sign-in, sessions and roles. 401 when nobody is signed in, 403 when the role does
 * not allow the route; both with a French message that says what to do.
 */
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./context.ts";
import { SESSION_COOKIE } from "./sessions.ts";
import { PERMISSIONS, type Permission } from "./users.ts";

const ROLE_NAMES: Record<string, string> = {
  direction: "direction",
  communication: "communication",
  recouvrement: "recouvrement",
  admin: "administration",
};

/** Loads the session (if any) for every request. */
export const loadSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("session", c.var.ctx.sessions.get(getCookie(c, SESSION_COOKIE)));
  await next();
};

export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const session = c.var.session;
    if (!session) {
      throw new HTTPException(401, { message: "Vous n'êtes pas connecté : connectez-vous sur /connexion, puis réessayez." });
    }
    if (!(PERMISSIONS[permission] as readonly string[]).includes(session.role)) {
      const allowed = PERMISSIONS[permission].map((r) => ROLE_NAMES[r]).join(", ");
      throw new HTTPException(403, {
        message: `Votre rôle (${ROLE_NAMES[session.role]}) ne permet pas cet accès, réservé aux rôles : ${allowed}. Demandez-le à un administrateur si vous en avez besoin.`,
      });
    }
    await next();
  };
}

/** One check of a sector code for the CLI and the API (src/warehouse/sectors.ts). */
export { checkSector } from "../warehouse/sectors.ts";
