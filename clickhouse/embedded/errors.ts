/**
 * ClickHouse-shaped errors for the embedded server. @clickhouse/client turns a failed response into a
 * ClickHouseError by matching `Code: N. DB::Exception: <message> (TYPE)` in the body, so every error we
 * send — the engine's own or one we raise — must carry that text, and its HTTP status must follow the real
 * server's mapping (src/Server/HTTPHandler.cpp, exceptionCodeToHTTPStatus) so retries behave the same.
 */

/** An error with a ClickHouse error code and type name (e.g. 60 / UNKNOWN_TABLE). */
export class ServerError extends Error {
  constructor(
    readonly code: number,
    readonly type: string,
    message: string,
    /** Overrides the status derived from the code (413 for a too-large body, 401 for missing credentials). */
    readonly httpStatus?: number,
  ) {
    super(message);
  }

  /** The text the real server writes: `Code: 60. DB::Exception: Unknown table … (UNKNOWN_TABLE)`. */
  get text(): string {
    return `Code: ${this.code}. DB::Exception: ${this.message}. (${this.type})`;
  }
}

/** An error raised by the chDB engine, kept verbatim: its message already has the server's shape. */
export class EngineError extends ServerError {
  constructor(code: number, type: string, private readonly raw: string) {
    super(code, type, raw);
  }

  override get text(): string {
    return this.raw.trimEnd();
  }
}

const ENGINE_MESSAGE = /^Code: (\d+)\. .*?(?:\(([A-Z0-9_]+)\))?\s*$/s;

/** Map anything chDB throws to a ServerError; an unrecognised message becomes code 1001 (STD_EXCEPTION). */
export function fromEngineError(err: unknown): ServerError {
  if (err instanceof ServerError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const m = ENGINE_MESSAGE.exec(message);
  if (m) return new EngineError(Number(m[1]), m[2] ?? 'UNKNOWN_EXCEPTION', message);
  return new ServerError(1001, 'STD_EXCEPTION', message.replace(/\s+$/, ''));
}

/** The response body for an error: the message plus the server's version, newline-terminated. */
export function errorBody(err: ServerError, version: string): string {
  return `${err.text} (version ${version})\n`;
}

// Codes the real server answers with 400 (the request itself is wrong: parse errors, bad arguments, bad
// parameters) and 404 (it names something that does not exist). Everything else is a 500.
const BAD_REQUEST = new Set([
  6, 15, 16, 20, 25, 26, 27, 36, 37, 38, 41, 42, 43, 44, 53, 62, 72, 80, 117, 130, 164, 167, 168, 223, 376, 441,
  456, 457, 675, 676,
]);
const NOT_FOUND = new Set([46, 47, 50, 56, 60, 63, 73, 81, 115, 336, 511]);
const UNAVAILABLE = new Set([202, 236]);

/** HTTP status for an error, as the real server chooses it. */
export function httpStatusFor(err: ServerError): number {
  if (err.httpStatus) return err.httpStatus;
  if (BAD_REQUEST.has(err.code)) return 400;
  if (NOT_FOUND.has(err.code)) return 404;
  if (err.code === 516) return 403;
  if (err.code === 48) return 501;
  if (UNAVAILABLE.has(err.code)) return 503;
  return 500;
}
