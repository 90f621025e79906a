/**
 * Answers kept for the life of one published warehouse. A published file never
 * changes (the next run publishes a new file and the server opens a new handle with
 * an empty cache), so an answer computed once stays true until the swap: figures,
 * series and worklist pages are then served without touching DuckDB.
 *
 * Bounded by the bytes of the JSON texts it holds, least recently used first out.
 * A computation in flight is shared by the requests that ask for it meanwhile; a
 * failed one is forgotten, so the next request tries again.
 */
export class ResponseCache {
  private readonly entries = new Map<string, { text: Promise<string>; bytes: number }>();
  private bytes = 0;

  constructor(
    readonly maxBytes = 64 * 1024 * 1024,
    readonly maxEntryBytes = 2 * 1024 * 1024,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  text(key: string, compute: () => Promise<string>): Promise<string> {
    const hit = this.entries.get(key);
    if (hit) {
      // Most recently used goes last in the map's order.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.text;
    }
    const entry = { text: compute(), bytes: 0 };
    this.entries.set(key, entry);
    entry.text.then(
      (t) => {
        if (this.entries.get(key) !== entry) return;
        const textBytes = Buffer.byteLength(t);
        if (textBytes > this.maxEntryBytes) {
          this.entries.delete(key);
          return;
        }
        // The key and the map's own overhead count too, so that many tiny answers
        // (unknown leases, say) cannot grow the cache without bound.
        entry.bytes = textBytes + Buffer.byteLength(key) + 100;
        this.bytes += entry.bytes;
        this.evict();
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.text;
  }

  private evict(): void {
    for (const [key, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(key);
      this.bytes -= e.bytes;
    }
  }
}
