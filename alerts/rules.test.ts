import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadRuleSetFile, RuleFileError } from './rules.ts';

describe('the default rule set', () => {
  test('parses against RuleSetSchema and holds every default rule', () => {
    const rs = loadRuleSetFile();
    expect(rs.version).toBe(1);
    expect(rs.rules.map((r) => r.id).sort()).toEqual(['adjustment_anomaly', 'allocation_drift', 'carrier_exception', 'cutoff_risk',
      'ingest_lag', 'intake_drop', 'po_delayed', 'returns_surge', 'site_outage', 'stockout_risk']);
    const outage = rs.rules.find((r) => r.id === 'site_outage')!;
    expect(outage.inhibits).toEqual({ types: ['stockout_risk', 'cutoff_risk', 'adjustment_anomaly', 'returns_surge'], equal: ['site'] });
  });

  test('a bad file is refused with the path and the field', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ct-rules-')), 'rules.json');
    writeFileSync(file, JSON.stringify({ version: 1, rules: [{ id: 'Bad Id' }] }));
    expect(() => loadRuleSetFile(file)).toThrow(RuleFileError);
    expect(() => loadRuleSetFile(file)).toThrow(/rules\.0\.id/);
  });
});
