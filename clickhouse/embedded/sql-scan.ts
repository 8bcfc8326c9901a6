/**
 * Just enough lexing of SQL text for the embedded server to route a request: the leading keyword (SELECT,
 * INSERT, SET …), a trailing `FORMAT X` clause, and whether the text holds a second statement. It is not a
 * parser; it blanks out string literals, quoted identifiers and comments so that a `;` or `FORMAT` inside
 * them is never mistaken for syntax. The engine still parses and validates everything.
 */

/** The SQL with every literal, quoted identifier and comment replaced by spaces (same length, same offsets). */
export function maskSql(sql: string): string {
  const out = sql.split('');
  let i = 0;
  const blank = (from: number, to: number) => {
    for (let k = from; k < to && k < out.length; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < sql.length && sql[j] !== c) j += sql[j] === '\\' ? 2 : 1;
      blank(i, j + 1);
      i = j + 1;
    } else if ((c === '-' && sql[i + 1] === '-') || c === '#') {
      let j = sql.indexOf('\n', i);
      if (j < 0) j = sql.length;
      blank(i, j);
      i = j;
    } else if (c === '/' && sql[i + 1] === '*') {
      let j = sql.indexOf('*/', i + 2);
      j = j < 0 ? sql.length : j + 2;
      blank(i, j);
      i = j;
    } else {
      i++;
    }
  }
  return out.join('');
}

/** First keyword of the statement, upper-cased (`SELECT`, `INSERT`, `WITH`, …), or '' for empty text. */
export function leadingKeyword(sql: string): string {
  const m = /^[\s(]*([A-Za-z]+)/.exec(maskSql(sql));
  return m ? m[1]!.toUpperCase() : '';
}

/** The format named by a trailing `FORMAT X` clause (what @clickhouse/client appends), if any. */
export function formatClause(sql: string): string | undefined {
  const m = /\bFORMAT\s+([A-Za-z][A-Za-z0-9_]*)[\s;]*$/i.exec(maskSql(sql));
  return m ? m[1] : undefined;
}

/**
 * True when the text holds more than one statement. The real server refuses multi-statements on HTTP; we
 * must too, because a smuggled `SET`/`USE` would persist in the engine's one shared session.
 */
export function hasSecondStatement(sql: string): boolean {
  return /;\s*[^\s;]/.test(maskSql(sql));
}

const READ_ONLY_KEYWORDS = new Set(['SELECT', 'WITH', 'SHOW', 'DESCRIBE', 'DESC', 'EXISTS', 'EXPLAIN']);

/** Whether a statement only reads (what a GET request may run, as on the real server with readonly=2). */
export function isReadOnlyStatement(sql: string): boolean {
  return READ_ONLY_KEYWORDS.has(leadingKeyword(sql));
}
