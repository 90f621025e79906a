/**
 * The Content-Security-Policy of every answer. Scripts run only from this server's files
 * and, on a page of the built site, from the inline blocks that page was built with: their
 * SHA-256 hashes are computed when the page is served (kept per file path, modification
 * time and size) and listed in that page's policy. No 'unsafe-inline' for scripts, so a
 * script injected into a page at run time does not run.
 */
import crypto from "node:crypto";
import fs from "node:fs";

/**
 * Styles keep 'unsafe-inline': Plot and Framework's Inputs set style attributes on the
 * elements they create (Plot's SVG, Inputs' tables), which a hash cannot cover since they
 * are made at run time. A style cannot run code; scripts get no such allowance.
 */
const DIRECTIVES: Array<[string, string]> = [
  ["default-src", "'self'"],
  // 'report-sample': a refusal reported to the page (securitypolicyviolation) shows the start of what was refused.
  ["script-src", "'self' 'report-sample'"],
  ["style-src", "'self' 'unsafe-inline'"],
  ["img-src", "'self' data: blob:"],
  ["font-src", "'self' data:"],
  ["connect-src", "'self'"],
  ["object-src", "'none'"],
  ["frame-ancestors", "'none'"],
  ["base-uri", "'self'"],
  ["form-action", "'self'"],
];

export interface InlineCode {
  /** Hashes of inline <script> blocks. */
  scripts: string[];
  /** Hashes of event-handler attributes (onclick="…"), allowed with 'unsafe-hashes'. */
  handlers: string[];
}

/** The policy header's value; with the hashes of a page's inline code when given. */
export function policyHeader(inline: InlineCode = { scripts: [], handlers: [] }): string {
  const sources = [...new Set([...inline.scripts, ...inline.handlers])].map((h) => `'${h}'`);
  // 'unsafe-hashes' lets a hash match an event-handler attribute (CSP level 3); only when the page has one.
  if (inline.handlers.length) sources.unshift("'unsafe-hashes'");
  return DIRECTIVES.map(
    ([name, value]) => `${name} ${name === "script-src" && sources.length ? `${value} ${sources.join(" ")}` : value}`,
  ).join("; ");
}

const sha256 = (text: string) => `sha256-${crypto.createHash("sha256").update(text, "utf8").digest("base64")}`;

/** HTML's parser turns CR LF and CR into LF before a script's text is hashed by the browser. */
const newlines = (s: string) => s.replace(/\r\n?/g, "\n");

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
/** An attribute's value as the browser hands it to the policy check: character references decoded. */
function decodeAttribute(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, ref: string) => {
    if (ref[0] === "#") return String.fromCodePoint(ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : Number(ref.slice(1)));
    return ENTITIES[ref.toLowerCase()] ?? all;
  });
}

/** The hashes of a page's inline scripts and event-handler attributes. */
export function inlineCodeHashes(html: string): InlineCode {
  const scripts: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    if (/\bsrc\s*=/i.test(m[1]!)) continue; // a script file: allowed by 'self'
    scripts.push(sha256(newlines(m[2]!)));
  }
  const handlers: string[] = [];
  for (const tag of html.matchAll(/<[a-z][^\s>/]*\s([^>]*)>/gi)) {
    for (const a of tag[1]!.matchAll(/(?:^|\s)on[a-z]+\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)) {
      handlers.push(sha256(newlines(decodeAttribute(a[1] ?? a[2] ?? ""))));
    }
  }
  return { scripts: [...new Set(scripts)], handlers: [...new Set(handlers)] };
}

/**
 * htl (the templates of Framework's Inputs: sortable tables, selects, search boxes) writes an
 * event handler as a placeholder attribute, `onclick="::2"`, then replaces it by a property
 * (`node.onclick = fn`, which no policy restricts). The browser refuses the placeholder and
 * reports a violation in the console, although nothing was meant to run. These hashes allow
 * exactly "::0" to "::23" as handler code: a syntax error, which can never run anything.
 */
export const HTL_PLACEHOLDER_HASHES = Array.from({ length: 24 }, (_, i) => sha256(`::${i}`));

/** Policies of served HTML files (the built site), computed once per version of each file. */
export class PagePolicies {
  private readonly byPath = new Map<string, { version: string; policy: string }>();

  constructor(private readonly maxEntries = 512) {}

  /** The policy for this HTML file, whose stat and text the caller already has. */
  policyFor(file: string, stat: fs.Stats, html: () => string): string {
    const version = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    const kept = this.byPath.get(file);
    if (kept?.version === version) return kept.policy;
    const inline = inlineCodeHashes(html());
    const policy = policyHeader({ scripts: inline.scripts, handlers: [...inline.handlers, ...HTL_PLACEHOLDER_HASHES] });
    if (this.byPath.size >= this.maxEntries) this.byPath.clear(); // a site has tens of pages: a bound, not an eviction policy
    this.byPath.set(file, { version, policy });
    return policy;
  }
}
