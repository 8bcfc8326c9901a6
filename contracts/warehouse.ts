/** Warehouse execution signals: waves, labor on shift, station throughput. */
import { z } from 'zod';
import { eventSchema, Id, Instant } from './envelope.ts';

export const WaveCreatedSchema = eventSchema('warehouse.wave_created', {
  waveId: Id,
  orderCount: z.number().int().nonnegative(),
  units: z.number().int().nonnegative(),
  carrier: Id.optional(),
  cutoffAt: Instant.optional(),
});
export const WaveReleasedSchema = eventSchema('warehouse.wave_released', { waveId: Id });
export const LaborShiftSchema = eventSchema('warehouse.labor_shift', {
  shiftId: Id,
  pickers: z.number().int().nonnegative().max(10_000),
  packers: z.number().int().nonnegative().max(10_000),
  startsAt: Instant,
  endsAt: Instant,
});
export const StationThroughputSchema = eventSchema('warehouse.station_throughput', {
  station: z.enum(['pick', 'pack', 'ship']),
  stationId: Id,
  units: z.number().int().nonnegative(),
  intervalMinutes: z.number().int().positive().max(1440),
});

export const WarehouseEventSchema = z.discriminatedUnion('type', [
  WaveCreatedSchema, WaveReleasedSchema, LaborShiftSchema, StationThroughputSchema,
]);
export type WarehouseEvent = z.infer<typeof WarehouseEventSchema>;
