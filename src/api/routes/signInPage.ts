import fs from "node:fs";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../context.ts";
import { projectPath } from "../../paths.ts";
import { signIn } from "./session.ts";

const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * The sign-in page, in the site's look (Framework's "air" theme as reports/style.css sets it:
 * the system's sans-serif, the same text and muted colours, the site's name above), served by
 * the API so that it works whatever the state of the build.
 */
const SITE_FONT = /--sans-serif:\s*([^;]+);/.exec(fs.readFileSync(projectPath("reports", "style.css"), "utf8"))?.[1] ?? "sans-serif";
const STYLE = `:root{--sans:${SITE_FONT};--fg:#1b1e23;--muted:#5a5f66;--line:#d4d6d9;--accent:#3b5fc0}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 var(--sans);color:var(--fg);background:#fff}
a{color:var(--accent)}a:focus-visible,input:focus-visible,button:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.lien-evitement{position:absolute;left:-999px}.lien-evitement:focus{left:1rem;top:1rem;background:#fff;padding:.3rem .6rem}
header{border-bottom:1px solid var(--line);padding:.9rem 1.5rem}header a{color:var(--fg);font-weight:700;text-decoration:none}
main{max-width:26rem;margin:3rem auto;padding:0 1rem}h1{font-size:1.8rem;margin:0 0 .5rem}
.aide{color:var(--muted);font-size:.95rem}label{display:block;margin:1rem 0 .25rem;font-weight:600}
input{width:100%;padding:.55rem .6rem;font:inherit;border:1px solid #8a8f96;border-radius:4px}
button{margin-top:1.3rem;padding:.55rem 1.3rem;font:inherit;font-weight:600;color:#fff;background:var(--accent);border:0;border-radius:4px;cursor:pointer}
.erreur{color:#8f0000;background:#fde8e8;border-left:4px solid #8f0000;padding:.6rem .8rem}
footer{color:var(--muted);font-size:.85rem;border-top:1px solid var(--line);margin-top:3rem;padding-top:1rem}`;

function page(message: string | null, retour: string): string {
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connexion – Observatoire des impayés</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head><body><a class="lien-evitement" href="#contenu">Aller au formulaire de connexion</a>
<header><a href="/">Observatoire des impayés</a></header>
<main id="contenu"><h1>Connexion</h1>
<p class="aide">Les dossiers de la revue mensuelle sont réservés aux comptes autorisés. Les chiffres du tableau de bord restent consultables sans connexion.</p>
${message ? `<p class="erreur" role="alert">${escape(message)}</p>` : ""}
<form method="post" action="/connexion">
<input type="hidden" name="retour" value="${escape(retour)}">
<label for="identifiant">Identifiant</label><input id="identifiant" name="identifiant" autocomplete="username" required>
<label for="mot_de_passe">Mot de passe</label><input id="mot_de_passe" name="mot_de_passe" type="password" autocomplete="current-password" required>
<button type="submit">Se connecter</button></form>
<footer><a href="/">Retour au tableau de bord</a> · <a href="/accessibilite">Accessibilité : non conforme</a></footer></main></body></html>`;
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
