/**
 * How to start an ingest process, in one place for the launcher, the benchmark and the tests.
 * The heap is capped at 192 MB: V8 otherwise lets garbage from 10k-event batches pile up to ~400 MB RSS
 * before a major GC (measured), while the live set is two batches plus the pull buffer (~80 MB).
 */
import path from 'node:path';
import { REPO_ROOT } from '../runtime/local-services.ts';

export const INGEST_HEAP_MB = 192;

export function ingestProcessArgs(extraNodeArgs: string[] = []): string[] {
  return [`--max-old-space-size=${INGEST_HEAP_MB}`, ...extraNodeArgs, '--import', 'tsx', path.join(REPO_ROOT, 'ingest/main.ts')];
}
