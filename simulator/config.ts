/** The simulator's configuration from the environment: where NATS is and how much to log. Parsed once. */
import { z } from 'zod';
import { CommonEnv, loadConfig } from '../runtime/env.ts';

export const SimulatorEnv = CommonEnv.pick({ NATS_URL: true, LOG_LEVEL: true });
export type SimulatorConfig = z.infer<typeof SimulatorEnv>;

export function loadSimulatorConfig(env?: Record<string, string | undefined>): SimulatorConfig {
  return loadConfig(SimulatorEnv, env);
}
