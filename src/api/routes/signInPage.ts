import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../context.ts";
import { signIn } from "./session.ts";

const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function page(message: string | null, retour: string): string {
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connexion – Observatoire des impayés</title>
<link rel="icon" href="data:,">
<style>body{font:16px system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem;color:#1b1e23}
label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;font:inherit;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1.2rem;font:inherit}.erreur{color:#a40000;background:#fde8e8;padding:.6rem;border-radius:4px}</style>
</head><body><h1>Connexion</h1>
<p>Les dossiers de la revue mensuelle sont réservés aux comptes autorisés.</p>
${message ? `<p class="erreur" role="alert">${escape(message)}</p>` : ""}
<form method="post" action="/connexion">
<input type="hidden" name="retour" value="${escape(retour)}">
<label for="identifiant">Identifiant</label><input id="identifiant" name="identifiant" autocomplete="username" required>
<label for="mot_de_passe">Mot de passe</label><input id="mot_de_passe" name="mot_de_passe" type="password" autocomplete="current-password" required>
<button type="submit">Se connecter</button></form>
<p><a href="/">Retour au tableau de bord</a></p></body></html>`;
}

/** Only a path of this site may be a return address (no open redirect). */
const safeReturn = (r: unknown) => (typeof r === "string" && /^\/(?!\/)[A-Za-z0-9/_.?=&%-]*$/.test(r) ? r : "/revue-mensuelle");

/** GET /connexion (the form), POST /connexion (sign in, then back to the page asked for). */
export const signInPageRoutes = new Hono<AppEnv>()
  .get("/", (c) => c.html(page(null, safeReturn(c.req.query("retour")))))
  .post("/", async (c) => {
    const form = await c.req.parseBody();
    const retour = safeReturn(form.retour);
    try {
      await signIn(c, String(form.identifiant ?? "").slice(0, 64), String(form.mot_de_passe ?? "").slice(0, 256));
    } catch (e) {
      if (e instanceof HTTPException) return c.html(page(e.message, retour), e.status);
      throw e;
    }
    return c.redirect(retour, 303);
  });
