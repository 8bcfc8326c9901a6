/** How to start a realtime gateway process, in one place for the launcher, the benchmark and the tests. */
import path from 'node:path';
import { REPO_ROOT } from '../../runtime/local-services.ts';

export function gatewayProcessArgs(extraNodeArgs: string[] = []): string[] {
  return [...extraNodeArgs, '--import', 'tsx', path.join(REPO_ROOT, 'web/gateway/main.ts')];
}
