/**
 * The rule set file: `alerts/rules.default.json` is the versioned default the engine seeds its rule store with on
 * first start (ALERTS_RULES_FILE names another). Parsed with RuleSetSchema, so a bad file stops start-up with the
 * path and the issues.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RuleSetSchema, type RuleSet } from '../contracts/alerts.ts';

export const DEFAULT_RULES_FILE = fileURLToPath(new URL('./rules.default.json', import.meta.url));

export class RuleFileError extends Error {}

/** Read and validate a rule set file. */
export function loadRuleSetFile(file = DEFAULT_RULES_FILE): RuleSet {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RuleFileError(`cannot read the rules file ${file}: ${(err as Error).message}`);
  }
  const r = RuleSetSchema.safeParse(raw);
  if (!r.success) {
    throw new RuleFileError(`invalid rules file ${file}:\n${r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  return r.data;
}
