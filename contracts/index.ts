/** The single source of shapes: events, subjects and their inferred types. */
export * from './envelope.ts';
export * from './orders.ts';
export * from './stock.ts';
export * from './carrier.ts';
export * from './returns.ts';
export * from './purchase-orders.ts';
export * from './warehouse.ts';
export * from './inventory.ts';
export * from './events.ts';
export * from './streams.ts';
export * from './risk.ts';
export * from './access.ts';
export * from './alerts.ts';
export * from './realtime.ts';
