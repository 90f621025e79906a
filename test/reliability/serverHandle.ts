/** The parent's side of test/reliability/serverChild.ts. */
import { spawn, type ChildProcess } from "node:child_process";
import { projectPath } from "../../src/paths.ts";
import { officeArgs } from "./process.ts";

export const SERVER_PASSWORD = "mot-de-passe-charge";

export interface ServerHandle {
  url: string;
  child: ChildProcess;
  run(): Promise<{ ok: boolean; ms: number; message: string | null; publishedAt: number | null }>;
  onPublished(fn: () => void): void;
  rss(): Promise<{ rss: number; heapUsed: number }>;
  cookie(role: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startServerChild(o: { exportsDir: string; db: string; sitesDir: string; fakeSite: boolean }): Promise<ServerHandle> {
  const child = spawn(
    process.execPath,
    ["--expose-gc", "--import", "tsx", "test/reliability/serverChild.ts", ...officeArgs(o), ...(o.fakeSite ? ["--fake-site"] : [])],
    { cwd: projectPath(), stdio: ["ignore", "inherit", "pipe", "ipc"], env: { ...process.env, RELIABILITY_PASSWORD: SERVER_PASSWORD } },
  );
  child.stderr!.on("data", () => undefined);
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (c) => reject(new Error(`serveur arrêté (code ${c})`)));
    child.on("message", (m: { type: string; port?: number }) => m.type === "listening" && resolve(m.port!));
  });
  const url = `http://127.0.0.1:${port}`;
  let publishedAt: number | null = null;
  const publishedListeners: Array<() => void> = [];
  child.on("message", (m: { type: string; at?: number }) => {
    if (m.type === "published") {
      publishedAt = m.at!;
      for (const f of publishedListeners) f();
    }
  });
  const ask = <T>(type: string, answer: string) =>
    new Promise<T>((resolve) => {
      const h = (m: { type: string }) => {
        if (m.type === answer) {
          child.off("message", h);
          resolve(m as T);
        }
      };
      child.on("message", h);
      child.send({ type });
    });
  return {
    url,
    child,
    async run() {
      publishedAt = null;
      const r = await ask<{ ok: boolean; ms: number; message: string | null }>("run", "run-done");
      return { ...r, publishedAt };
    },
    onPublished: (fn) => publishedListeners.push(fn),
    rss: () => ask("rss", "rss"),
    async cookie(role) {
      const res = await fetch(`${url}/api/session`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ identifiant: role, mot_de_passe: SERVER_PASSWORD }),
      });
      if (res.status !== 200) throw new Error(`connexion ${role} : ${res.status}`);
      return res.headers.get("set-cookie")!.split(";")[0]!;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.once("exit", () => (clearTimeout(timer), resolve()));
        child.send({ type: "stop" });
      }),
  };
}
