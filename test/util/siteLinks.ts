/**
 * A site build reached through a `current` link (as the run controller swaps builds in), with
 * a symbolic link of every kind inside it: to /etc/passwd, to a file and a folder outside the
 * build, to a file and a folder inside it. Only the build's real files may be served; every
 * link is a 404. Used by test/api.hardening.test.ts and the reliability check (test/reliability/access.ts).
 */
import fs from "node:fs";
import path from "node:path";

export interface LinkedBuild {
  /** The folder to serve (the `current` link). */
  current: string;
  /** The real files, by URL path, and their content. */
  served: Record<string, string>;
  /** Every URL path that goes through a link: each must be a 404. */
  refused: string[];
  /** What a refused answer must never hold: the secret beside the build, /etc/passwd, a page. */
  leak: RegExp;
}

export function writeLinkedBuild(base: string): LinkedBuild {
  const build = path.join(base, "build-1");
  fs.mkdirSync(path.join(build, "sub"), { recursive: true });
  fs.writeFileSync(path.join(build, "index.html"), "<p>accueil</p>");
  fs.writeFileSync(path.join(build, "sub", "page.html"), "<p>page</p>");
  const secret = path.join(base, "comptes-demo.txt");
  fs.writeFileSync(secret, "mot-de-passe-secret");
  fs.symlinkSync(build, path.join(base, "current"));
  fs.symlinkSync(secret, path.join(build, "fuite.txt")); // out of the build
  fs.symlinkSync("/etc/passwd", path.join(build, "passwd"));
  fs.symlinkSync(path.join(build, "index.html"), path.join(build, "copie.html")); // inside the build
  fs.symlinkSync(path.join(build, "sub"), path.join(build, "lien-dossier")); // a folder inside
  fs.symlinkSync(base, path.join(build, "parent")); // a folder out of it
  return {
    current: path.join(base, "current"),
    served: { "/": "<p>accueil</p>", "/sub/page": "<p>page</p>" },
    refused: [
      "/fuite.txt",
      "/passwd",
      "/copie.html",
      "/copie",
      "/lien-dossier/page.html",
      "/lien-dossier/page",
      "/parent/comptes-demo.txt",
      "/parent/build-1/index.html",
    ],
    leak: /mot-de-passe-secret|root:|<p>/,
  };
}
