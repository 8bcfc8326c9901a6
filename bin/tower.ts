/** `tower <command>`: dispatch, top-level --help, and one place that turns errors into exit codes. */
import { ConfigError } from '../runtime/env.ts';
import { UsageError, type Command } from './command.ts';

const COMMANDS: Record<string, () => Promise<Command>> = {
  up: async () => (await import('./commands/up.ts')).up,
  migrate: async () => (await import('./commands/migrate.ts')).migrateCommand,
  simulate: async () => (await import('./commands/simulate.ts')).simulate,
  import: async () => (await import('./commands/import.ts')).importCommand,
  contracts: async () => (await import('./commands/contracts.ts')).contractsCommand,
  inventory: async () => (await import('./commands/inventory.ts')).inventoryCommand,
  forecast: async () => (await import('./commands/forecast.ts')).forecastCommand,
  cutoff: async () => (await import('./commands/cutoff.ts')).cutoffCommand,
  anomalies: async () => (await import('./commands/anomalies.ts')).anomaliesCommand,
  models: async () => (await import('./commands/models.ts')).modelsCommand,
  alerts: async () => (await import('./commands/alerts.ts')).alertsCommand,
  tokens: async () => (await import('./commands/tokens.ts')).tokensCommand,
};

async function usage(): Promise<string> {
  const lines = await Promise.all(Object.values(COMMANDS).map(async (load) => {
    const c = await load();
    return `  ${c.name.padEnd(10)} ${c.summary}`;
  }));
  return `Control Tower — real-time operations control tower for ecommerce

Usage: tower <command> [options]     (from a clone: npm run tower -- <command> [options])

Commands:
${lines.join('\n')}

Run \`tower <command> --help\` for a command's options.`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') { console.log(await usage()); return name ? 0 : 1; }
  const load = COMMANDS[name];
  if (!load) { console.error(`tower: unknown command "${name}"\n\n${await usage()}`); return 2; }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) { console.log(command.help); return 0; }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) { console.error(`tower ${name}: ${err.message}\n\n${command.help}`); return 2; }
    if (err instanceof ConfigError) { console.error(err.message); return 2; }
    console.error(`tower ${name}: ${(err as Error).message}`);
    return 1;
  }
}
