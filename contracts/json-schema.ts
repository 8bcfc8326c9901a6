/** JSON Schema documents generated from the zod contracts: one per family and one for any event. */
import { z } from 'zod';
import { FAMILY_SCHEMAS, OpsEventSchema } from './events.ts';

export function contractJsonSchemas(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const opts = { target: 'draft-2020-12' as const, unrepresentable: 'any' as const, io: 'input' as const };
  out['ops-event.schema.json'] = { $id: 'https://control-tower.dev/schemas/ops-event.schema.json', ...z.toJSONSchema(OpsEventSchema, opts) };
  for (const [family, schema] of Object.entries(FAMILY_SCHEMAS)) {
    out[`${family}.schema.json`] = { $id: `https://control-tower.dev/schemas/${family}.schema.json`, ...z.toJSONSchema(schema, opts) };
  }
  return out;
}
