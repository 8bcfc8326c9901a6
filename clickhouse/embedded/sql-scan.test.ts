import { describe, expect, test } from 'vitest';
import { formatClause, hasSecondStatement, isReadOnlyStatement, leadingKeyword, maskSql } from './sql-scan.ts';

describe('sql-scan', () => {
  test('masks literals, quoted identifiers and comments without moving offsets', () => {
    const sql = "SELECT 'a;b', `x;y` -- c;\n/* d; */ FROM t";
    const masked = maskSql(sql);
    expect(masked).toHaveLength(sql.length);
    expect(masked).not.toContain(';');
    expect(masked).toContain('FROM t');
  });

  test('finds the trailing FORMAT clause the client appends, not one inside a literal', () => {
    expect(formatClause('SELECT 1 \nFORMAT JSONEachRow')).toBe('JSONEachRow');
    expect(formatClause('INSERT INTO t (a, b) FORMAT TabSeparated')).toBe('TabSeparated');
    expect(formatClause("SELECT 1 FORMAT CSV;\n")).toBe('CSV');
    expect(formatClause("SELECT 'FORMAT JSON'")).toBeUndefined();
    expect(formatClause('SELECT format FROM t')).toBeUndefined();
  });

  test('tells a second statement from a trailing semicolon', () => {
    expect(hasSecondStatement('SELECT 1;')).toBe(false);
    expect(hasSecondStatement("SELECT ';SET max_threads=1'")).toBe(false);
    expect(hasSecondStatement('SELECT 1 -- ; SET x = 1')).toBe(false);
    expect(hasSecondStatement('SELECT 1; SET max_threads = 1')).toBe(true);
    expect(hasSecondStatement("SELECT 'it\\'s'; USE system")).toBe(true);
  });

  test('reads the leading keyword past comments and parentheses', () => {
    expect(leadingKeyword('/* why */ (SELECT 1)')).toBe('SELECT');
    expect(leadingKeyword('  insert into t format JSONEachRow')).toBe('INSERT');
    expect(leadingKeyword('')).toBe('');
    expect(isReadOnlyStatement('WITH 1 AS x SELECT x')).toBe(true);
    expect(isReadOnlyStatement('DROP TABLE t')).toBe(false);
  });
});
