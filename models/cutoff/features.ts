/**
 * The features of one open order at an instant, the rule baseline's input and the predicted completion time.
 * Order mix (units, lines, priority, channel), time (to the cutoff the order leaves by, lead, age, local hour of
 * the cutoff), status (allocated … packed, backordered, split, fulfilled elsewhere), the site's floor (backlog
 * and the units due at or before this order's deadline, pick/pack/ship rates over the last hour, pickers and
 * packers on shift, hours of work ahead and the slack they leave), the truck (carrier known, arrived, time since
 * it came while the order is still unpacked), the cutoff (share of its orders handed off) and the slot's running
 * miss rate. Logs and clips keep every value in a few units, so standardization works on any history.
 */
import type { CutoffFeatureBuilder, OrderRecord } from './feature-builder.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;

export const FEATURE_NAMES = [
  'log_units', 'log_lines', 'prio_expedited', 'prio_express',
  'ch_dtc_web', 'ch_marketplace_a', 'ch_marketplace_b', 'ch_wholesale',
  'hours_to_cutoff', 'log_min_to_cutoff', 'lead_days', 'age_hours', 'cutoff_hour_sin', 'cutoff_hour_cos',
  'allocated', 'backordered', 'released', 'picked', 'packed', 'split',
  'log_backlog_units', 'log_units_ahead', 'log_orders_ahead',
  'log_pick_rate', 'log_pack_rate', 'log_ship_rate', 'log_pickers', 'log_packers', 'has_labor',
  'work_hours', 'slack_hours', 'no_rate',
  'carrier_known', 'pickup_arrived', 'since_arrival_unpacked_hours', 'other_site',
  'cutoff_handed_share', 'cutoff_any_handed', 'slot_miss_rate',
] as const;
export const FEATURE_COUNT = FEATURE_NAMES.length;

/** The feature vector of an order at t, the rule baseline's input, and the completion it implies. */
export interface OrderSnapshot {
  order: OrderRecord;
  at: number;
  x: number[];
  /** P(the carrier's truck comes after the cutoff), from pickup history (./pickup-risk.ts); 0 without pickups. */
  pTruck: number;
  /** Hours of work ahead minus hours to the cutoff: > 0 means the floor cannot finish in time at today's rate. */
  ruleShortfallHours: number;
  /** Predicted instant the order is packed and ready to hand off (backlog ÷ throughput), NaN when unknowable. */
  readyAtMs: number;
  carrier: string | undefined;
  /** The cutoff the order leaves by: its carrier's cutoff at the fulfilling site on or before promisedShipBy. */
  cutoffMs: number;
}

/** Compute an order's snapshot from the builder's state at t. */
export function snapshotOf(b: CutoffFeatureBuilder, order: OrderRecord, t: number): OrderSnapshot {
  const site = b.site(order.site);
  const carrier = b.carrierOf(order);
  const cutoffMs = site.cutoffFor(carrier, order.deadlineMs);
  const minToCutoff = (cutoffMs - t) / MINUTE;
  const ahead = site.ahead(order.deadlineMs);
  const packed = order.packedMs === order.packedMs;
  const readyAtMs = packed ? order.packedMs : site.projectDone(t, Math.max(ahead.units, order.inBacklog));
  const noRate = readyAtMs !== readyAtMs;
  const workHours = noRate ? 24 : clip((readyAtMs - t) / HOUR, 0, 48);
  const slackHours = minToCutoff / 60 - workHours;
  const staff = site.staffAt(t);
  const { arrival, pTruck } = b.truckAt(order, carrier, cutoffMs, t);
  const arrived = arrival === arrival;
  const g = order.group;
  const angle = (2 * Math.PI * order.localMinute) / 1440;
  const x = [
    Math.log1p(order.units), Math.log1p(order.lines), order.priority === 1 ? 1 : 0, order.priority === 2 ? 1 : 0,
    order.channel === 0 ? 1 : 0, order.channel === 1 ? 1 : 0, order.channel === 2 ? 1 : 0, order.channel === 3 ? 1 : 0,
    clip(minToCutoff / 60, -2, 72) / 24, Math.log1p(Math.max(0, minToCutoff)), clip((order.deadlineMs - order.createdMs) / (24 * HOUR), 0, 7),
    clip((t - order.createdMs) / HOUR, 0, 72) / 24, Math.sin(angle), Math.cos(angle),
    order.allocated ? 1 : 0, order.backordered ? 1 : 0, order.released ? 1 : 0, order.pickedUnits >= order.units ? 1 : 0,
    packed ? 1 : 0, order.shipments > 1 ? 1 : 0,
    Math.log1p(site.backlogUnits), Math.log1p(ahead.units), Math.log1p(ahead.orders),
    Math.log1p(site.pickRate(t)), Math.log1p(site.packRate(t)), Math.log1p(site.shipRate(t)),
    Math.log1p(staff.pickers), Math.log1p(staff.packers), site.shifts.length ? 1 : 0,
    workHours / 8, clip(slackHours, -48, 48) / 8, noRate ? 1 : 0,
    carrier ? 1 : 0, arrived ? 1 : 0, arrived && !packed ? clip((t - arrival) / HOUR, 0, 6) : 0,
    order.site !== order.createdSite ? 1 : 0, g.orders > 0 ? g.handed / g.orders : 0, g.handed > 0 ? 1 : 0, b.slotRate(order),
  ];
  return { order, at: t, x, pTruck, ruleShortfallHours: noRate ? 0 : workHours - minToCutoff / 60, readyAtMs, carrier, cutoffMs };
}

function clip(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
