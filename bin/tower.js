#!/usr/bin/env node
// The `tower` CLI. Sources are TypeScript run through tsx, so the CLI works from a clone with no build step.
import { register } from 'tsx/esm/api';

import { existsSync } from 'node:fs';

// A .env in the working directory fills in variables that are not already set (see .env.example).
if (existsSync('.env')) process.loadEnvFile('.env');
register();
const { main } = await import('./tower.ts');
process.exitCode = await main(process.argv.slice(2));
