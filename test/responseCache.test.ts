import { describe, expect, it } from "vitest";
import { ResponseCache } from "../src/server/responseCache.ts";
import { cacheKey } from "../src/api/cachedJson.ts";

const overhead = (key: string, text: string) => Buffer.byteLength(text) + Buffer.byteLength(key) + 100;

describe("ResponseCache (answers kept for one publication)", () => {
  it("computes an answer once, also for requests that arrive while it is computed", async () => {
    const cache = new ResponseCache();
    let calls = 0;
    const compute = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 10));
      return '{"n":1}';
    };
    const answers = await Promise.all([cache.text("a", compute), cache.text("a", compute), cache.text("a", compute)]);
    expect(answers).toEqual(['{"n":1}', '{"n":1}', '{"n":1}']);
    expect(await cache.text("a", compute)).toBe('{"n":1}');
    expect(calls).toBe(1);
  });

  it("forgets a failed computation, so the next request tries again", async () => {
    const cache = new ResponseCache();
    await expect(cache.text("a", () => Promise.reject(new Error("panne")))).rejects.toThrow("panne");
    expect(await cache.text("a", async () => "ok")).toBe("ok");
  });

  it("drops the least recently used answers beyond its size, and never keeps an oversized one", async () => {
    const text = "x".repeat(100);
    const one = overhead("a", text);
    const cache = new ResponseCache(2 * one, 150);
    await cache.text("a", async () => text);
    await cache.text("b", async () => text);
    await cache.text("a", async () => "autre"); // a hit: a becomes the most recent
    await cache.text("c", async () => text); // over the limit: b, the least recent, goes
    expect(cache.size).toBe(2);
    expect(cache.totalBytes).toBe(2 * one);
    expect(await cache.text("a", async () => "autre")).toBe(text);
    expect(await cache.text("b", async () => "recalculé")).toBe("recalculé");
    await cache.text("gros", async () => "y".repeat(200));
    expect(await cache.text("gros", async () => "recalculé")).toBe("recalculé");
  });

  it("keys name the route and every parameter, whatever their order", () => {
    expect(cacheKey("figures", { secteur: "S1", annee: 2024 })).toBe(cacheKey("figures", { annee: 2024, secteur: "S1" }));
    expect(cacheKey("figures", { annee: 2024, au: undefined })).toBe(cacheKey("figures", { annee: 2024 }));
    expect(cacheKey("figures", { annee: 2024 })).not.toBe(cacheKey("series", { annee: 2024 }));
    expect(cacheKey("figures", { annee: 2024 })).not.toBe(cacheKey("figures", { annee: 2023 }));
  });
});
