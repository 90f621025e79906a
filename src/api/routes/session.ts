import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { AppEnv } from "../context.ts";
import { SESSION_COOKIE } from "../sessions.ts";
import { PERMISSIONS } from "../users.ts";
import { validate, z } from "../validation.ts";

function clientAddress(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? "inconnue";
  } catch {
    return "inconnue"; // app.request() in tests has no socket
  }
}

export interface SignInResult {
  identifiant: string;
  role: string;
}

/** Check a password (slowed down after repeated failures) and open a session cookie. */
export function signIn(c: Context<AppEnv>, identifiant: string, motDePasse: string): SignInResult {
  const { users, sessions, throttle, secureCookies } = c.var.ctx;
  const keys = [`compte:${identifiant}`, `adresse:${clientAddress(c)}`];
  const wait = throttle.waitMs(keys);
  if (wait > 0) {
    c.header("Retry-After", String(Math.ceil(wait / 1000)));
    throw new HTTPException(429, { message: `Trop d'essais de connexion manqués : réessayez dans ${Math.ceil(wait / 1000)} s.` });
  }
  const user = users.authenticate(identifiant, motDePasse);
  if (!user) {
    throttle.fail(keys);
    throw new HTTPException(401, { message: "Identifiant ou mot de passe incorrect." });
  }
  throttle.succeed(keys);
  const token = sessions.create(user.identifiant, user.role);
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: "Strict", secure: secureCookies ?? false, path: "/" });
  return { identifiant: user.identifiant, role: user.role };
}

/** POST /api/session (sign in), GET /api/session (who am I), DELETE /api/session (sign out). */
export const sessionRoutes = new Hono<AppEnv>()
  .post(
    "/",
    validate("json", z.object({ identifiant: z.string().min(1).max(64), mot_de_passe: z.string().min(1).max(256) })),
    (c) => {
      const { identifiant, mot_de_passe } = c.req.valid("json");
      return c.json(signIn(c, identifiant, mot_de_passe));
    },
  )
  // 200 either way: a page asks who is signed in without logging an error when nobody is.
  .get("/", (c) => {
    const s = c.var.session;
    if (!s) return c.json({ connecte: false });
    return c.json({ connecte: true, identifiant: s.identifiant, role: s.role, dossiers: (PERMISSIONS.cases as readonly string[]).includes(s.role) });
  })
  .delete("/", (c) => {
    c.var.ctx.sessions.delete(getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.json({ deconnecte: true });
  });
