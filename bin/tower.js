#!/usr/bin/env node
// The `tower` CLI. Sources are TypeScript run through tsx, so the CLI works from a clone with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./tower.ts');
process.exitCode = await main(process.argv.slice(2));
