/**
 * `tower tokens issue`: a signed API token for a person or a program (runtime/access.ts), printed alone on stdout
 * so it can be captured (`T=$(tower tokens issue …)`); what it grants goes to stderr. Signed with a key derived from
 * TOWER_API_TOKEN: rotating that revokes every issued token.
 */
import { PrincipalSchema, Role, type Principal } from '../../contracts/access.ts';
import { accessKey, signAccessToken } from '../../runtime/access.ts';
import { parseOptions, UsageError, type Command } from '../command.ts';
import { loadTowerConfig, rootToken } from '../config.ts';

/** The longest validity we sign: a year (rotate TOWER_API_TOKEN to revoke sooner). */
const MAX_TTL_SECONDS = 366 * 86_400;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400 };

/** `90s`, `15m`, `12h`, `30d` or plain seconds. */
export function parseTtl(raw: string): number {
  const m = /^(\d+)([smhd]?)$/.exec(raw.trim());
  if (!m) throw new UsageError(`--ttl must look like 30d, 12h, 15m or 90s, got ${raw}`);
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2] || 's']!;
  if (seconds < 60 || seconds > MAX_TTL_SECONDS) throw new UsageError(`--ttl must be between 1 minute and 366 days, got ${raw}`);
  return seconds;
}

const list = (raw: string | undefined, def: string[]) => (raw === undefined ? def : raw.split(',').map((s) => s.trim()).filter(Boolean));

export const tokensCommand: Command = {
  name: 'tokens',
  summary: 'issue signed API tokens for people and programs (dashboard, realtime gateway, API)',
  help: `Usage: tower tokens issue --role ROLE --sites SITE[,SITE…] --name NAME [--channels CH[,CH…]] [--ttl 30d] [--kind api|ticket]

Prints a signed token for the principal {sub: NAME, role, sites, channels}, valid for --ttl. Needs the root token: TOWER_API_TOKEN in the environment or .env, or the one tower up keeps in
TOWER_DATA_DIR/api-token; rotating the root token revokes every token issued with it.

Options:
  --role ROLE         executive, warehouse_lead, planner, program or admin
  --sites LIST        sites it may see and act on, comma-separated, or '*' for all
  --channels LIST     sales channels it may see (default '*')
  --name NAME         who holds it (shown as "acknowledged by NAME")
  --ttl DURATION      how long it is valid: 90s, 15m, 12h, 30d (default 30d; at most 366d)
  --kind KIND         api (default) or ticket (a short gateway pass)
  -h, --help          show this help

Example:
  tower tokens issue --role planner --sites wh-east --name ann@example.com --ttl 90d`,
  async run(args) {
    const { values, positionals } = parseOptions(args, {
      role: { type: 'string' }, sites: { type: 'string' }, channels: { type: 'string' }, name: { type: 'string' },
      ttl: { type: 'string', default: '30d' }, kind: { type: 'string', default: 'api' },
    });
    if (positionals[0] !== 'issue' || positionals.length > 1) throw new UsageError('expected: tower tokens issue …');
    const role = Role.safeParse(values.role);
    if (!role.success) throw new UsageError(`--role must be one of ${Role.options.join(', ')}`);
    if (!values.sites) throw new UsageError('--sites is required (a list, or * for every site)');
    if (!values.name) throw new UsageError('--name is required (who holds the token)');
    if (values.kind !== 'api' && values.kind !== 'ticket') throw new UsageError('--kind must be api or ticket');
    const ttlSeconds = parseTtl(values.ttl!);
    const principal = PrincipalSchema.safeParse({ sub: values.name, role: role.data, sites: list(values.sites, []), channels: list(values.channels, ['*']) });
    if (!principal.success) throw new UsageError(principal.error.issues.map((i) => `${i.path.join('.') || 'principal'}: ${i.message}`).join('; '));
    const root = rootToken(loadTowerConfig());
    if (!root) { console.error('tower tokens: set TOWER_API_TOKEN (the root token the services run with), or run `tower up` once (it keeps one in TOWER_DATA_DIR/api-token)'); return 2; }
    const p: Principal = principal.data;
    const token = signAccessToken(accessKey(root), p, { kind: values.kind, ttlSeconds });
    console.log(token);
    console.error(`issued a ${values.kind} token for ${p.sub} (${p.role}; sites ${p.sites.join(',')}; channels ${p.channels.join(',')}), ` +
      `valid until ${new Date(Date.now() + ttlSeconds * 1000).toISOString()}`);
    return 0;
  },
};
