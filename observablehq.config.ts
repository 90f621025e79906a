/**
 * Observable Framework configuration of the dashboard (pages in reports/).
 * Build it with `npm run build` (src/site/build.ts), which clears the data-loader cache,
 * keeps the build offline and checks the output; do not run `observable build` directly.
 *
 * Environment: WAREHOUSE_DB (the published warehouse, default data/warehouse.duckdb),
 * SITE_OUTPUT (the output folder, default dist).
 */
import { footerHtml, readSiteContext } from "./src/site/siteContext.ts";

const context = await readSiteContext();

// An inline icon: without one the browser asks the server for /favicon.ico. Base64, so that
// Framework's link rewriting leaves it intact.
const ICON = `data:image/svg+xml;base64,${Buffer.from(
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0072B2"/><path d="M3 12h2V7H3zm4 0h2V4H7zm4 0h2V9h-2z" fill="#fff"/></svg>`,
).toString("base64")}`;

export default {
  root: "reports",
  output: process.env.SITE_OUTPUT || "dist",
  title: "Observatoire des impayés",
  // The default loads Google Fonts: the site must request nothing outside its own server.
  globalStylesheets: [],
  style: "style.css",
  head: `<link rel="icon" href="${ICON}">`,
  pages: [
    { name: "Vue d'ensemble", path: "/" },
    { name: "Chiffres clés", path: "/chiffres-cles" },
    { name: "Publications", path: "/publications" },
    { name: "Entonnoir contentieux", path: "/entonnoir-contentieux" },
    { name: "Revue mensuelle", path: "/revue-mensuelle" },
    {
      name: "Secteurs",
      // why no `path` on the section: Framework then puts a link inside the <summary>, a control
      // inside a control (WCAG 4.1.2); the comparison page is the section's first entry instead
      collapsible: true,
      open: false,
      pages: [
        { name: "Tous les secteurs", path: "/secteurs" },
        ...context.secteurs.map((s) => ({ name: s.libelle_secteur, path: `/secteurs/${s.code_secteur}` })),
      ],
    },
    { name: "Plans et accompagnement", path: "/plans-et-accompagnement" },
    { name: "Locataires partis", path: "/locataires-partis" },
    { name: "Qualité des données", path: "/qualite-des-donnees" },
  ],
  dynamicPaths: context.secteurs.map((s) => `/secteurs/${s.code_secteur}`),
  toc: { show: false, label: "Sur cette page" },
  pager: false,
  search: false,
  // Links end in .html, so any plain static server serves the site.
  preserveExtension: true,
  footer: footerHtml(context),
};
