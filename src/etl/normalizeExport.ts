/**
 * Decode one ERP export file and rewrite it as a normalised UTF-8 CSV that DuckDB
 * reads without guessing: a leading `ligne` column (the physical line where the
 * record starts in the original file), then the kept reference columns in a fixed
 * order. Columns never loaded (commentaire) are dropped here, so they never reach
 * the disk or the warehouse. Values stay text: they are parsed and validated in SQL.
 *
 * Refuses the whole file (ExportFormatError) when it cannot be decoded, when its
 * header lacks a required column, or when a quote is never closed before the end of
 * the file. Records that are structurally broken (wrong field count, stray quote,
 * over-long) are returned as rejects, set aside with their reason; the rest of the file goes on.
 *
 * No text of a record leaves this module except the values of the kept columns
 * (issue 10): a broken actions row holds commentaire, personal data, and a reject or an
 * error message that quoted the record would carry it into the warehouse, the run
 * journal or a log.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import iconv from "iconv-lite";
import { ExportFormatError } from "../errors.ts";
import { EXPORT_SCHEMA, type Kind } from "./exportSchema.ts";
import { headerMapping, type Profile } from "./profile.ts";

export interface StructuralReject {
  line: number;
  /** The column where the problem is, when it is known (a stray quote, an over-long field). */
  column: string | null;
  reason: string;
  /**
   * The kept (loaded) reference columns' values, by reference column name, when the record
   * split into the header's number of fields; null otherwise (its fields cannot be trusted to
   * be the columns the header says). Never the record's text: columns never loaded
   * (commentaire) and unknown extra columns are not in it.
   */
  keptValues: Record<string, string> | null;
}

export interface NormalizeResult {
  encoding: "windows-1252" | "utf-8";
  sha256: string;
  size: number;
  rowsRead: number;
  rejects: StructuralReject[];
}

/**
 * A record longer than this (in UTF-16 code units, line ends excluded) is set aside,
 * whatever its length: DuckDB's own line limit is 2 MB, and the decoder skips the rest of
 * such a record without buffering it (LongRecordSkipper).
 */
export const MAX_RECORD_CHARS = 1_000_000;
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

/** Where a quote opened that nothing closes before the end of the file: the file is refused. */
const UNCLOSED_QUOTE =
  "guillemet ouvert jamais refermé : le champ entre guillemets qui commence à cette ligne court jusqu'à la fin du fichier, " +
  "dont la suite est illisible. Fermez ce guillemet (ou doublez-le s'il fait partie du texte) et réexportez le fichier.";

const frNumber = (n: number) => n.toLocaleString("fr-FR");

/** The quoting state of LongRecordSkipper, the tokenizer's rules as states. */
const enum Q {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: doubled (text) or closing, said by the next character. */
  QuoteSeen,
  /** Characters after a closing quote (a broken field): skipped to the next ; or line feed. */
  AfterClose,
}

/**
 * Reads an over-long record to its end in constant memory, with the tokenizer's rules (a
 * quote opens a field only at its start, "" inside quotes is a quote, a line end inside
 * quotes is text), and says what it found: its length, the physical lines it spans, the
 * field where it crossed MAX_RECORD_CHARS and whether that was inside quotes (a quote
 * opened by mistake makes a record run over the following lines until another quote).
 */
class LongRecordSkipper {
  private state = Q.FieldStart;
  private field = 0;
  private quoteLine = 0;
  /** Characters of the record read so far (its terminating line end excluded). */
  chars = 0;
  /** Line feeds inside the record. */
  lfs = 0;
  private overField = 0;
  private overInQuotes = false;
  private overQuoteLine = 0;
  /** The record ended with a line feed (consumed), rather than a lone CR or the end of the file. */
  endedWithLf = false;

  constructor(readonly line: number) {}

  /** Reads `text` from `from`: the index just after the record's line end, or -1 when the text ends first. */
  scan(text: string, from: number): number {
    const n = text.length;
    for (let i = from; i < n; i++) {
      const c = text.charCodeAt(i);
      const ends = c === LF || c === CR;
      switch (this.state) {
        case Q.FieldStart:
        case Q.Unquoted:
          if (ends) return this.end(c, i);
          if (c === SEMI) {
            this.field++;
            this.state = Q.FieldStart;
          } else if (c === QUOTE && this.state === Q.FieldStart) {
            this.state = Q.Quoted;
            this.quoteLine = this.line + this.lfs;
          } else this.state = Q.Unquoted;
          break;
        case Q.Quoted:
          if (c === QUOTE) this.state = Q.QuoteSeen;
          break;
        case Q.QuoteSeen:
          if (ends) return this.end(c, i);
          if (c === QUOTE) this.state = Q.Quoted;
          else if (c === SEMI) {
            this.field++;
            this.state = Q.FieldStart;
          } else this.state = Q.AfterClose;
          break;
        case Q.AfterClose:
          // why only LF here: the tokenizer skips a broken field's rest up to ; or LF, CR included
          if (c === LF) return this.end(c, i);
          if (c === SEMI) {
            this.field++;
            this.state = Q.FieldStart;
          }
          break;
      }
      if (c === LF) this.lfs++;
      if (++this.chars === MAX_RECORD_CHARS + 1) {
        this.overField = this.field;
        this.overInQuotes = this.state === Q.Quoted || this.state === Q.QuoteSeen;
        this.overQuoteLine = this.quoteLine;
      }
    }
    return -1;
  }

  private end(c: number, i: number): number {
    // A CR ends the record like the tokenizer's; an LF after it is then a blank line.
    this.endedWithLf = c === LF;
    return i + 1;
  }

  /** At the end of the file with the record unfinished: null when a quote is still open (the file is refused). */
  get openQuoteLine(): number | null {
    return this.state === Q.Quoted ? this.quoteLine : null;
  }

  /** The physical line where the next record starts. */
  get nextLine(): number {
    return this.line + this.lfs + (this.endedWithLf ? 1 : 0);
  }

  reject(header: string[]): StructuralReject {
    const lines = this.lfs + 1;
    const span = lines === 1 ? "sur 1 ligne physique" : `sur ${frNumber(lines)} lignes physiques (${this.line} à ${this.line + this.lfs})`;
    const where = this.overInQuotes
      ? `limite dépassée dans un champ entre guillemets ouvert ligne ${this.overQuoteLine}`
      : "limite dépassée hors guillemets";
    const todo = this.overInQuotes ? "vérifiez que ce guillemet est bien refermé" : "raccourcissez ce champ dans l'ERP";
    return {
      line: this.line,
      column: header[this.overField] ?? null,
      reason: `enregistrement de ${frNumber(this.chars)} caractères, au-delà de la limite de ${frNumber(MAX_RECORD_CHARS)}, ${span}, ${where} : ligne écartée, ${todo}`,
      keptValues: null,
    };
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

  /** The kept columns' values of a record split into the header's number of fields, else null. */
  const keptValues = (fields: string[]): Record<string, string> | null =>
    header && fields.length === header.length ? Object.fromEntries(schema.columns.map((c, k) => [c, fields[keptIdx[k]!]!])) : null;

  const onRecord = (fields: string[], raw: string, line: number, quoted: boolean) => {
    if (!header) return onHeader(fields);
    rowsRead++;
    if (fields.length !== header.length) {
      rejects.push({
        line,
        column: null,
        reason: `${fields.length} champ${fields.length > 1 ? "s" : ""} au lieu de ${header.length}`,
        keptValues: null,
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

  /** The over-long record being skipped across chunks, if any (its start was at `skipping.line`). */
  let skipping: LongRecordSkipper | null = null;

  /** An over-long record read to its end: set aside, or the header refused. */
  const onLongRecord = (skipper: LongRecordSkipper) => {
    physLine = skipper.nextLine;
    rowsRead++;
    rejects.push(skipper.reject(header!));
  };

  /** Start skipping the over-long record at `start` of `text`: the index after it, or -1 when it goes on past the text. */
  const skipLongRecord = (start: number): number => {
    if (!header)
      fail(
        `en-tête de plus de ${frNumber(MAX_RECORD_CHARS)} caractères : fichier refusé. Vérifiez la première ligne de l'export.`,
        physLine,
      );
    const skipper = new LongRecordSkipper(physLine);
    const end = skipper.scan(text, start);
    if (end < 0) {
      skipping = skipper;
      return -1;
    }
    onLongRecord(skipper);
    return end;
  };

  /**
   * Consume complete records from `text`. Returns the index where the unfinished
   * record starts. With `final`, the end of text ends the last record.
   */
  const consume = (final: boolean): number => {
    let start = 0;
    const n = text.length;
    // One rule for over-long records, whatever their length and however they are split into
    // chunks: a record still unfinished past the limit, or finished beyond it, is read to its
    // end by the skipper and set aside. Returns where the next record starts (n: later text).
    const tooLong = (from: number) => {
      const end = skipLongRecord(from);
      return end < 0 ? n : end;
    };
    while (start < n) {
      const fields: string[] = [];
      let i = start;
      let line = physLine;
      let quoted = false;
      let bad: { field: number; reason: string } | null = null;
      let fieldStart = i;
      let complete = false;
      for (;;) {
        if (i >= n) {
          if (!final) return n - start > MAX_RECORD_CHARS ? tooLong(start) : start;
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
              if (!final) return n - start > MAX_RECORD_CHARS ? tooLong(start) : start;
              fail(UNCLOSED_QUOTE, physLine + countLf(text, start, i));
            }
            const d = text.charCodeAt(j);
            if (d === QUOTE) {
              if (j + 1 >= n && !final) return n - start > MAX_RECORD_CHARS ? tooLong(start) : start;
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
          if (j >= n && !final) return n - start > MAX_RECORD_CHARS ? tooLong(start) : start;
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
            bad ??= { field: fields.length, reason: "caractère après un guillemet fermant" };
            // Skip to the next separator or line end and go on.
            while (j < n && text.charCodeAt(j) !== SEMI && text.charCodeAt(j) !== LF) j++;
            if (j >= n && !final) return n - start > MAX_RECORD_CHARS ? tooLong(start) : start;
            // The field as written (quotes included): it is one column's value, kept only if that column is.
            fields.push(text.slice(i, j).replace(/\r$/, ""));
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
          if (c2 === CR && i + 1 >= n && !final) return n - start > MAX_RECORD_CHARS ? tooLong(start) : start;
          if (fieldStart >= 0) fields.push(text.slice(fieldStart, i));
          complete = true;
          break;
        }
        if (c2 === QUOTE) {
          bad ??= { field: fields.length, reason: "guillemet au milieu d'un champ non protégé" };
        }
        i++;
      }
      if (!complete) return start;
      if (i - start > MAX_RECORD_CHARS) {
        start = tooLong(start);
        continue;
      }
      // i is at CR, LF or end.
      const recordText = text.slice(start, i);
      if (text.charCodeAt(i) === CR) i++;
      if (text.charCodeAt(i) === LF) i++;
      const linesInRecord = countLf(text, start, i);
      physLine += linesInRecord;
      start = i;
      if (recordText.length === 0 || (fields.length === 1 && fields[0]!.trim() === "" && !quoted)) continue; // blank line
      if (bad) {
        if (!header) fail(bad.reason + " dans l'en-tête", line);
        rowsRead++;
        rejects.push({ line, column: header![bad.field] ?? null, reason: bad.reason, keptValues: keptValues(fields) });
        continue;
      }
      onRecord(fields, recordText, line, quoted);
    }
    return start;
  };

  const feed = async (decoded: string, final: boolean) => {
    let from = 0;
    if (skipping) {
      // The rest of an over-long record: read past, never kept.
      const skipper: LongRecordSkipper = skipping;
      const end = skipper.scan(decoded, 0);
      if (end < 0) {
        if (final) {
          const open = skipper.openQuoteLine;
          if (open !== null) fail(UNCLOSED_QUOTE, open);
          skipping = null;
          onLongRecord(skipper);
        }
        await flush();
        return;
      }
      skipping = null;
      onLongRecord(skipper);
      from = end;
    }
    text = text.length ? text + decoded.slice(from) : decoded.slice(from);
    const rest = consume(final);
    text = rest > 0 ? text.slice(rest) : text;
    if (final && skipping) {
      // The file ended inside an over-long record that started in this last piece of text.
      const skipper: LongRecordSkipper = skipping;
      const open = skipper.openQuoteLine;
      if (open !== null) fail(UNCLOSED_QUOTE, open);
      skipping = null;
      onLongRecord(skipper);
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
      fail(
        "le fichier est encodé en UTF-8 sans marque (BOM) : il serait lu comme du Windows-1252. Réexportez-le en Windows-1252 ou en UTF-8 avec BOM.",
      );
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
  for (let i = 0; i < bytes.length;) {
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
