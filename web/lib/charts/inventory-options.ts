/**
 * ECharts option for a SKU-location's daily closing position. What is taken out of on hand before promising
 * (reserved, quality hold, damaged, and commitments / safety stock when the window has any) is stacked from
 * zero under the on-hand line, so the gap between the stack and the line is available-to-promise, also drawn
 * as its own line (below zero when shrinkage oversold). In transit is dashed: not here yet.
 */
import type { InventoryDayRow } from '$contracts/api/inventory.ts';
import { ATP_COLOR, stateInfo } from '../inventory-states.ts';
import { fmtInt } from '../format.ts';
import type { ChartOption } from './echarts.ts';
import type { InventoryState } from '$contracts/inventory.ts';

const AXIS_LABEL = { color: '#64748b', fontSize: 11 };
const SPLIT_LINE = { lineStyle: { color: '#e2e8f0' } };
const STACKED: InventoryState[] = ['reserved', 'quality_hold', 'damaged', 'channel_commitment', 'safety_stock'];
/** Always drawn, even when zero across the window (the page promises them). */
const ALWAYS: InventoryState[] = ['reserved', 'quality_hold', 'damaged'];

export function inventoryDailyOption(daily: readonly InventoryDayRow[]): ChartOption {
  const values = (s: InventoryState) => daily.map((d) => d[stateInfo(s).field]);
  const line = (s: InventoryState, extra: object = {}) => ({
    name: stateInfo(s).label, type: 'line' as const, showSymbol: false, color: stateInfo(s).color, lineStyle: { width: 2 },
    data: values(s), ...extra,
  });
  const stacked = STACKED.filter((s) => ALWAYS.includes(s) || values(s).some((v) => v !== 0)).map((s) => line(s, {
    stack: 'taken', areaStyle: { opacity: 0.45 }, lineStyle: { width: 1 },
  }));
  return {
    animation: false,
    grid: { left: 48, right: 16, top: 32, bottom: 24 },
    legend: { top: 0, left: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis', valueFormatter: (v) => fmtInt(Number(v)) },
    xAxis: { type: 'category', boundaryGap: false, data: daily.map((d) => d.day),
      axisLabel: { ...AXIS_LABEL, hideOverlap: true, formatter: (d: string) => d.slice(5) } },
    yAxis: { type: 'value', axisLabel: AXIS_LABEL, splitLine: SPLIT_LINE },
    series: [
      ...stacked,
      line('on_hand'),
      line('in_transit', { lineStyle: { width: 1.5, type: 'dashed' } }),
      { name: 'Available to promise', type: 'line', showSymbol: false, color: ATP_COLOR, lineStyle: { width: 2.5 },
        data: daily.map((d) => d.atp) },
    ],
  };
}
