/** `tower contracts export`: JSON Schema of every event for producers outside this codebase. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseOptions, UsageError, type Command } from '../command.ts';
import { contractJsonSchemas } from '../../contracts/json-schema.ts';

export const contractsCommand: Command = {
  name: 'contracts',
  summary: 'export the event contracts as JSON Schema (for outside producers)',
  help: `Usage: tower contracts export [--out DIR]

Writes one JSON Schema (draft 2020-12) per event family plus ops-event.schema.json (any event) to DIR.
The committed copy lives in contracts/json-schema/ and a test keeps it in step with the zod schemas.

Options:
  --out DIR   output directory (default: contracts/json-schema)
  -h, --help  show this help

Example:
  tower contracts export --out /tmp/schemas`,
  async run(args) {
    const { values, positionals } = parseOptions(args, { out: { type: 'string', default: 'contracts/json-schema' } });
    if (positionals[0] !== 'export') throw new UsageError('expected the sub-command "export"');
    mkdirSync(values.out, { recursive: true });
    for (const [file, schema] of Object.entries(contractJsonSchemas())) {
      writeFileSync(path.join(values.out, file), JSON.stringify(schema, null, 2) + '\n');
      console.log(`wrote ${path.join(values.out, file)}`);
    }
    return 0;
  },
};
