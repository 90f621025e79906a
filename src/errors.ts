/**
 * Typed errors. Each says where the problem is (file, line, column when they apply)
 * and what to do about it, in French for the people who read them.
 */

export interface Location {
  file?: string;
  line?: number;
  column?: string;
}

function where({ file, line, column }: Location): string {
  const parts: string[] = [];
  if (file) parts.push(file);
  if (line !== undefined) parts.push(`ligne ${line}`);
  if (column) parts.push(`colonne ${column}`);
  return parts.length ? `${parts.join(", ")} : ` : "";
}

/** The errors the project throws on purpose; each is named after its class (`e.name`). */
export class AppError extends Error {
  constructor(message?: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An export file that cannot be read as the format says: the file is refused. */
export class ExportFormatError extends AppError {
  constructor(
    readonly reason: string,
    readonly location: Location = {},
  ) {
    super(`${where(location)}${reason}`);
  }
}

/** A configuration (mapping profile, options) that cannot be used. */
export class ConfigError extends AppError {}

/** A question the warehouse cannot answer (unknown sector, year without data, bad date). */
export class QueryError extends AppError {}

/** An SQL invariant (etl/tests/assert_*.sql) returned rows. */
export class InvariantError extends AppError {}

/** Another run holds the lock. */
export class RunLockedError extends AppError {}

/** The warehouse's folder cannot be written (read-only, full, no permission). */
export class StorageError extends AppError {}

/**
 * A publication that cannot be made, found, withdrawn, read or reproduced (src/publications/).
 * `status` is the HTTP status the API answers with (404 unknown publication, 409 already
 * withdrawn, 500 storage); the CLI prints the message.
 */
export class PublicationError extends AppError {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 | 500 = 500,
  ) {
    super(message);
  }
}
