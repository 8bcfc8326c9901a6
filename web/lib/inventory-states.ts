/**
 * How the governed inventory states are named and coloured on every page (tables, chart legend): one label
 * and one colour per state, and the Position field that holds it. Order: on hand, then what is taken out of
 * it before promising, then what is not on hand yet.
 */
import type { InventoryState } from '$contracts/inventory.ts';
import type { InventoryPositionRow } from '$contracts/api/inventory.ts';

type QuantityField = Exclude<keyof InventoryPositionRow, 'sku' | 'location' | 'logSeq' | 'atp'>;

export interface StateInfo { state: InventoryState; field: QuantityField; label: string; short: string; color: string }

export const STATES: readonly StateInfo[] = [
  { state: 'on_hand', field: 'onHand', label: 'On hand', short: 'On hand', color: '#2563eb' },
  { state: 'reserved', field: 'reserved', label: 'Reserved', short: 'Reserved', color: '#d97706' },
  { state: 'quality_hold', field: 'qualityHold', label: 'Quality hold', short: 'Q. hold', color: '#7c3aed' },
  { state: 'damaged', field: 'damaged', label: 'Damaged', short: 'Damaged', color: '#dc2626' },
  { state: 'channel_commitment', field: 'channelCommitment', label: 'Channel commitment', short: 'Ch. commit', color: '#0d9488' },
  { state: 'safety_stock', field: 'safetyStock', label: 'Safety stock', short: 'Safety', color: '#64748b' },
  { state: 'in_transit', field: 'inTransit', label: 'In transit', short: 'In transit', color: '#0891b2' },
  { state: 'pending_inspection', field: 'pendingInspection', label: 'Pending inspection', short: 'Pend. insp.', color: '#a16207' },
];

export const ATP_COLOR = '#0f172a';

const BY_STATE = new Map(STATES.map((s) => [s.state, s]));
export const stateLabel = (s: InventoryState) => BY_STATE.get(s)?.label ?? s;
export const stateInfo = (s: InventoryState) => BY_STATE.get(s)!;
