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

/**
 * Check a password and open a session cookie. The throttle (src/api/sessions.ts) may refuse
 * the attempt (429 + Retry-After: this address failed too often, on this account or on all)
 * or slow its answer down (failures on this account from elsewhere); never the reverse.
 */
export async function signIn(c: Context<AppEnv>, identifiant: string, motDePasse: string): Promise<SignInResult> {
  const { users, sessions, throttle, secureCookies } = c.var.ctx;
  const address = clientAddress(c);
  const refuse = (refuseMs: number) => {
    const seconds = Math.ceil(refuseMs / 1000);
    c.header("Retry-After", String(seconds));
    return new HTTPException(429, { message: `Trop d'essais de connexion manqués depuis votre poste : réessayez dans ${seconds} s.` });
  };
  const { refuseMs, delayMs } = throttle.assess(address, identifiant);
  if (refuseMs > 0) throw refuse(refuseMs);
  if (delayMs > 0) {
    await throttle.sleep(delayMs);
    // Attempts sent together from one address all waited: the ones that failed meanwhile count.
    const again = throttle.assess(address, identifiant).refuseMs;
    if (again > 0) throw refuse(again);
  }
  const user = users.authenticate(identifiant, motDePasse);
  if (!user) {
    throttle.fail(address, identifiant);
    throw new HTTPException(401, { message: "Identifiant ou mot de passe incorrect." });
  }
  throttle.succeed(address, identifiant);
  const token = sessions.create(user.identifiant, user.role);
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: "Strict", secure: secureCookies ?? false, path: "/" });
  return { identifiant: user.identifiant, role: user.role };
}

/** POST /api/session (sign in), GET /api/session (who am I), DELETE /api/session (sign out). */
export const sessionRoutes = new Hono<AppEnv>()
  .post(
    "/",
    validate("json", z.object({ identifiant: z.string().min(1).max(64), mot_de_passe: z.string().min(1).max(256) })),
    async (c) => {
      const { identifiant, mot_de_passe } = c.req.valid("json");
      return c.json(await signIn(c, identifiant, mot_de_passe));
    },
  )
  // 200 either way: a page asks who is signed in without logging an error when nobody is.
  .get("/", (c) => {
    const s = c.var.session;
    if (!s) return c.json({ connecte: false });
    return c.json({
      connecte: true,
      identifiant: s.identifiant,
      role: s.role,
      dossiers: (PERMISSIONS.cases as readonly string[]).includes(s.role),
    });
  })
  // Ends the session on the server too: the old cookie is worth nothing afterwards.
  .delete("/", (c) => {
    c.var.ctx.sessions.delete(getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.json({ deconnecte: true });
  });
