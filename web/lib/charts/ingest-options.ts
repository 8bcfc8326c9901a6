/**
 * ECharts options for the ingest overview, built from the API's shapes. Pure functions: the page derives
 * them from the latest poll and EChart.svelte applies them. Each family keeps one colour everywhere.
 */
import type { IngestOverview, RateSeriesKey } from '$contracts/api/ingest-overview.ts';
import { fmtRate, fmtTime } from '../format.ts';
import type { ChartOption } from './echarts.ts';

export const SERIES_COLORS: Record<RateSeriesKey, string> = {
  orders: '#2563eb', stock: '#059669', carrier: '#d97706', returns: '#7c3aed', purchase_orders: '#0891b2',
  warehouse: '#64748b', inventory: '#db2777', rejected: '#dc2626',
};

const AXIS_LABEL = { color: '#64748b', fontSize: 11 };
const SPLIT_LINE = { lineStyle: { color: '#e2e8f0' } };

/** Stacked areas of events/s per family (and rejected) across the window. */
export function familyRateOption(rate: IngestOverview['rate']): ChartOption {
  return {
    animation: false,
    grid: { left: 40, right: 16, top: 28, bottom: 24 },
    legend: { top: 0, left: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${fmtRate(Number(v))}/s` },
    xAxis: { type: 'time', axisLabel: { ...AXIS_LABEL, hideOverlap: true, formatter: (v: number) => fmtTime(v).slice(0, 5) } },
    yAxis: { type: 'value', axisLabel: AXIS_LABEL, splitLine: SPLIT_LINE },
    series: rate.byFamily.map((s) => ({
      name: s.family, type: 'line', stack: 'events', showSymbol: false, smooth: false, lineStyle: { width: 1 },
      color: SERIES_COLORS[s.family], areaStyle: { opacity: 0.55 },
      data: s.perSecond.map((v, i) => [rate.buckets[i]!, v]),
    })),
  };
}

/** Horizontal bars of events/s per source over the last minute, busiest on top. */
export function sourceRateOption(rate: IngestOverview['rate']): ChartOption {
  const rows = [...rate.bySource].reverse();
  return {
    animation: false,
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => `${fmtRate(Number(v))}/s` },
    xAxis: { type: 'value', axisLabel: AXIS_LABEL, splitLine: SPLIT_LINE },
    yAxis: { type: 'category', data: rows.map((r) => r.source), axisLabel: { ...AXIS_LABEL, color: '#334155' } },
    series: [{
      type: 'bar', name: 'events/s', data: rows.map((r) => r.perSecond), color: '#2563eb', barMaxWidth: 16,
      label: { show: true, position: 'right', fontSize: 11, formatter: (p) => fmtRate(Number(p.value)) },
    }],
  };
}
