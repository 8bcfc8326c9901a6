/** Simulator events for tests: a deterministic back-fill cut to a count. */
import type { OpsEvent } from '../contracts/index.ts';
import { createScenario } from '../simulator/scenario.ts';

export function simulatedEvents(o: { count: number; seed: number; start?: string }): OpsEvent[] {
  const scenario = createScenario({ seed: o.seed, start: o.start ?? '2026-11-01T00:00:00Z', days: 60 });
  return [...scenario.events(o.count)];
}
