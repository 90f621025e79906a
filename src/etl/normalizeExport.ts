/**
 * Decode one ERP export file and rewrite it as a normalised UTF-8 CSV that DuckDB
 * reads without guessing: a leading `ligne` column (the physical line where the
 * record starts in the original file), then the kept reference columns in a fixed
 * order. Columns never loaded (commentaire) are dropped here, so they never reach
 * the disk or the warehouse. Values stay text: they are parsed and validated in SQL.
 *
 * Refuses the whole file (ExportFormatError) when it cannot be decoded, when its
 * header lacks a required column, or when a quote is never closed. Records that are
 * structurally broken (wrong field count, stray quote, oversized) are returned as
 * rejects for the quarantine; the rest of the file goes on.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import iconv from "iconv-lite";
import { ExportFormatError } from "../errors.ts";
import { EXPORT_SCHEMA, type Kind } from "./exportSchema.ts";
import { headerMapping, type Profile } from "./profile.ts";

export interface StructuralReject {
  line: number;
  column: string | null;
  reason: string;
  value: string | null;
}

export interface NormalizeResult {
  encoding: "windows-1252" | "utf-8";
  sha256: string;
  size: number;
  rowsRead: number;
  rejects: StructuralReject[];
}

/** A record longer than this is rejected (DuckDB's own line limit is 2 MB). */
const MAX_RECORD_CHARS = 1_000_000;
/** Bytes that Windows-1252 leaves undefined, and NUL: their presence means binary data or another encoding. */
const CP1252_UNDEFINED = new Set([0x00, 0x81, 0x8d, 0x8f, 0x90, 0x9d]);

const QUOTE = 34;
const SEMI = 59;
const LF = 10;
const CR = 13;

/** Tracks whether a byte stream is valid UTF-8 with at least one multi-byte character. */
class Utf8Sniffer {
  private pending = 0;
  valid = true;
  sawMultibyte = false;
  push(bytes: Buffer): void {
    if (!this.valid) return;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (this.pending > 0) {
        if ((b & 0xc0) !== 0x80) return void (this.valid = false);
        this.pending--;
        continue;
      }
      if (b < 0x80) continue;
      if (b >= 0xc2 && b <= 0xdf) this.pending = 1;
      else if (b >= 0xe0 && b <= 0xef) this.pending = 2;
      else if (b >= 0xf0 && b <= 0xf4) this.pending = 3;
      else return void (this.valid = false);
      this.sawMultibyte = true;
    }
  }
  get looksLikeUtf8(): boolean {
    return this.valid && this.pending === 0 && this.sawMultibyte;
  }
}

function csvQuote(v: string): string {
  return /[;"\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Line number (1-based) of a byte offset, for error messages only. */
function lineOfOffset(file: string, offset: number): number {
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.alloc(Math.min(offset, 64 * 1024 * 1024));
    fs.readSync(fd, buf, 0, buf.length, 0);
    let line = 1;
    for (const b of buf) if (b === LF) line++;
    return line;
  } finally {
    fs.closeSync(fd);
  }
}

export async function normalizeExport(
  file: string,
  displayName: string,
  kind: Kind,
  profile: Profile,
  outPath: string,
): Promise<NormalizeResult> {
  const schema = EXPORT_SCHEMA[kind];
  const mapping = headerMapping(profile, kind);
  const hash = crypto.createHash("sha256");
  const out = fs.createWriteStream(outPath, { encoding: "utf8" });
  const outError = new Promise<never>((_, reject) => out.on("error", reject));
  outError.catch(() => undefined);
  let pendingOut: string[] = [];
  let pendingLen = 0;
  const flush = async (force = false) => {
    if (!force && pendingLen < 1 << 20) return;
    if (pendingOut.length === 0) return;
    const text = pendingOut.join("");
    pendingOut = [];
    pendingLen = 0;
    if (!out.write(text)) await Promise.race([new Promise<void>((r) => out.once("drain", () => r())), outError]);
  };
  const emit = (s: string) => {
    pendingOut.push(s);
    pendingLen += s.length;
  };

  let encoding: NormalizeResult["encoding"] | null = null;
  let utf8Decoder: TextDecoder | null = null;
  let cpDecoder: ReturnType<typeof iconv.getDecoder> | null = null;
  const sniffer = new Utf8Sniffer();
  let size = 0;

  // Tokenizer state, carried across chunks.
  let text = "";
  let physLine = 1; // line of the character at `recordStart`
  let header: string[] | null = null;
  let keptIdx: number[] = [];
  let identity = false;
  let rowsRead = 0;
  const rejects: StructuralReject[] = [];

  const fail = (reason: string, line?: number, column?: string): never => {
    throw new ExportFormatError(reason, { file: displayName, line, column });
  };

  const onHeader = (fields: string[]) => {
    const names = fields.map((f) => f.trim().toLowerCase());
    const refs = names.map((n) => mapping.get(n) ?? null);
    const seen = new Map<string, number>();
    refs.forEach((r, i) => {
      if (!r) return;
      if (seen.has(r)) fail(`colonne « ${fields[i]} » en double dans l'en-tête`, 1, fields[i]);
      seen.set(r, i);
    });
    const missing = schema.columns.filter((c) => !seen.has(c));
    if (missing.length) {
      const erpNames = missing.map((c) => profile.colonnes[kind]?.[c] ?? c);
      fail(
        `l'en-tête ne contient pas ${missing.length > 1 ? "les colonnes obligatoires" : "la colonne obligatoire"} ${erpNames
          .map((n) => `« ${n} »`)
          .join(", ")} : fichier refusé. Corrigez l'export ou le profil de correspondance.`,
        1,
        erpNames[0],
      );
    }
    header = fields;
    keptIdx = schema.columns.map((c) => seen.get(c)!);
    identity = fields.length === keptIdx.length && keptIdx.every((v, i) => v === i);
    emit(`ligne;${schema.columns.join(";")}\n`);
  };

  const onRecord = (fields: string[], raw: string, line: number, quoted: boolean) => {
    if (!header) return onHeader(fields);
    rowsRead++;
    if (fields.length !== header.length) {
      rejects.push({
        line,
        column: null,
        reason: `${fields.length} champ${fields.length > 1 ? "s" : ""} au lieu de ${header.length}`,
        value: raw.length > 200 ? raw.slice(0, 200) + "…" : raw,
      });
      return;
    }
    if (identity && !quoted) {
      emit(`${line};${raw}\n`);
      return;
    }
    let s = String(line);
    for (const i of keptIdx) s += ";" + csvQuote(fields[i]!);
    emit(s + "\n");
  };

  /**
   * Consume complete records from `text`. Returns the index where the unfinished
   * record starts. With `final`, the end of text ends the last record.
   */
  const consume = (final: boolean): number => {
    let start = 0;
    const n = text.length;
    while (start < n) {
      const fields: string[] = [];
      let i = start;
      let line = physLine;
      let quoted = false;
      let bad: StructuralReject | null = null;
      let fieldStart = i;
      let complete = false;
      for (;;) {
        if (i >= n) {
          if (!final) return start;
          // End of file ends the record (no final line end).
          fields.push(text.slice(fieldStart, i));
          complete = true;
          break;
        }
        const c = text.charCodeAt(i);
        if (c === QUOTE && i === fieldStart) {
          // Quoted field.
          quoted = true;
          let j = i + 1;
          let value = "";
          let segStart = j;
          for (;;) {
            if (j >= n) {
              if (!final) return start;
              fail(`guillemet ouvert jamais refermé : la suite du fichier est illisible`, physLine + countLf(text, start, i));
            }
            const d = text.charCodeAt(j);
            if (d === QUOTE) {
              if (j + 1 >= n && !final) return start;
              if (text.charCodeAt(j + 1) === QUOTE) {
                value += text.slice(segStart, j + 1);
                j += 2;
                segStart = j;
                continue;
              }
              value += text.slice(segStart, j);
              j++;
              break;
            }
            j++;
          }
          // After the closing quote: separator, line end or end of text.
          if (j >= n && !final) return start;
          const e = j < n ? text.charCodeAt(j) : -1;
          if (e === SEMI || e === LF || e === CR || e === -1) {
            fields.push(value.replace(/\r\n/g, "\n"));
            if (e === SEMI) {
              i = j + 1;
              fieldStart = i;
              continue;
            }
            i = j;
            fieldStart = -1; // field already pushed
            // fall through to line-end handling
          } else {
            bad ??= { line, column: null, reason: "caractère après un guillemet fermant", value: null };
            // Skip to the next separator or line end and go on.
            while (j < n && text.charCodeAt(j) !== SEMI && text.charCodeAt(j) !== LF) j++;
            if (j >= n && !final) return start;
            fields.push("");
            if (j < n && text.charCodeAt(j) === SEMI) {
              i = j + 1;
              fieldStart = i;
              continue;
            }
            i = j;
            fieldStart = -1;
          }
        }
        const c2 = i < n ? text.charCodeAt(i) : -1;
        if (c2 === SEMI) {
          fields.push(text.slice(fieldStart, i));
          i++;
          fieldStart = i;
          continue;
        }
        if (c2 === LF || c2 === CR || c2 === -1) {
          if (c2 === CR && i + 1 >= n && !final) return start;
          if (fieldStart >= 0) fields.push(text.slice(fieldStart, i));
          complete = true;
          break;
        }
        if (c2 === QUOTE) {
          bad ??= { line, column: null, reason: "guillemet au milieu d'un champ non protégé", value: null };
        }
        i++;
      }
      if (!complete) return start;
      // i is at CR, LF or end.
      const recordText = text.slice(start, i);
      if (text.charCodeAt(i) === CR) i++;
      if (text.charCodeAt(i) === LF) i++;
      const linesInRecord = countLf(text, start, i);
      physLine += linesInRecord;
      start = i;
      if (recordText.length === 0 || (fields.length === 1 && fields[0]!.trim() === "" && !quoted)) continue; // blank line
      if (recordText.length > MAX_RECORD_CHARS) {
        rowsRead += header ? 1 : 0;
        if (!header) fail("en-tête démesuré", line);
        rejects.push({ line, column: null, reason: `ligne de plus de ${MAX_RECORD_CHARS} caractères`, value: null });
        continue;
      }
      if (bad) {
        if (!header) fail(bad.reason + " dans l'en-tête", line);
        rowsRead++;
        const col = header ? (header[fields.length - 1] ?? null) : null;
        rejects.push({ ...bad, column: col, value: recordText.length > 200 ? recordText.slice(0, 200) + "…" : recordText });
        continue;
      }
      onRecord(fields, recordText, line, quoted);
    }
    return start;
  };

  const feed = async (decoded: string, final: boolean) => {
    text = text.length ? text + decoded : decoded;
    const rest = consume(final);
    text = rest > 0 ? text.slice(rest) : text;
    if (!final && text.length > 2 * MAX_RECORD_CHARS + (1 << 20)) {
      // A single record this long cannot be valid: refuse rather than buffer without bound.
      fail(`enregistrement de plus de ${MAX_RECORD_CHARS} caractères (guillemet non refermé ?)`, physLine);
    }
    await flush();
  };

  try {
    const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash.update(chunk);
      let bytes = chunk;
      if (encoding === null) {
        if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
          encoding = "utf-8";
          utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
        } else {
          encoding = "windows-1252";
          cpDecoder = iconv.getDecoder("win1252");
        }
      }
      let decoded: string;
      if (encoding === "utf-8") {
        if (bytes.includes(0)) fail("données binaires (octet nul) : fichier refusé", lineOfOffset(file, size + bytes.indexOf(0)));
        try {
          decoded = utf8Decoder!.decode(bytes, { stream: true });
        } catch {
          fail(
            "le fichier commence par une marque UTF-8 mais contient des octets invalides en UTF-8 : fichier refusé",
            lineOfOffset(file, size + firstInvalidUtf8(bytes)),
          );
        }
        if (size === 0 && decoded!.charCodeAt(0) === 0xfeff) decoded = decoded!.slice(1);
      } else {
        for (let k = 0; k < bytes.length; k++) {
          if (bytes[k]! >= 0x80 || bytes[k] === 0) {
            if (CP1252_UNDEFINED.has(bytes[k]!)) {
              fail(
                bytes[k] === 0
                  ? "données binaires (octet nul) : fichier refusé"
                  : `octet 0x${bytes[k]!.toString(16)} absent de Windows-1252 : fichier refusé (encodage inattendu)`,
                lineOfOffset(file, size + k),
              );
            }
          }
        }
        sniffer.push(bytes);
        decoded = cpDecoder!.write(bytes);
      }
      size += chunk.length;
      await feed(decoded!, false);
    }
    if (encoding === null) fail("fichier vide : il n'a même pas d'en-tête", 1);
    if (encoding === "windows-1252" && sniffer.looksLikeUtf8) {
      fail("le fichier est encodé en UTF-8 sans marque (BOM) : il serait lu comme du Windows-1252. Réexportez-le en Windows-1252 ou en UTF-8 avec BOM.");
    }
    let tail = "";
    try {
      tail = encoding === "utf-8" ? utf8Decoder!.decode() : (cpDecoder!.end() ?? "");
    } catch {
      fail("le fichier UTF-8 se termine au milieu d'un caractère (fichier tronqué ?) : fichier refusé", lineOfOffset(file, size));
    }
    await feed(tail, true);
    if (!header) fail("fichier sans en-tête", 1);
    await flush(true);
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  } catch (e) {
    out.destroy();
    throw e;
  }
  return { encoding: encoding!, sha256: hash.digest("hex"), size, rowsRead, rejects };
}

/** Offset of the first byte that breaks UTF-8 in a chunk (its start when the chunk begins mid-character). */
function firstInvalidUtf8(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length) return i; // cut at the chunk's end: decoded with the next one
      if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return 0;
}

function countLf(text: string, from: number, to: number): number {
  let n = 0;
  for (let k = text.indexOf("\n", from); k !== -1 && k < to; k = text.indexOf("\n", k + 1)) n++;
  return n;
}
