/** How to start the alert engine, in one place for the launcher and the tests. */
import path from 'node:path';
import { REPO_ROOT } from '../runtime/local-services.ts';

export function alertsProcessArgs(extraNodeArgs: string[] = []): string[] {
  return [...extraNodeArgs, '--import', 'tsx', path.join(REPO_ROOT, 'alerts/main.ts')];
}
