/**
 * ECharts options for the alert inbox: open alerts per type, stacked by severity — where the trouble is
 * concentrated right now, critical first. Pure; EChart.svelte applies it.
 */
import type { Severity } from '$contracts/alerts.ts';
import type { ChartOption } from './echarts.ts';

export const SEVERITY_COLORS: Record<Severity, string> = { critical: '#dc2626', warning: '#d97706', info: '#2563eb' };
const AXIS_LABEL = { color: '#64748b', fontSize: 11 };

/** Horizontal stacked bars: one per alert type (most critical on top), one segment per severity. */
export function openAlertsByTypeOption(d: { types: string[]; counts: Record<Severity, number[]> }): ChartOption {
  const rev = <T>(xs: T[]) => [...xs].reverse(); // ECharts draws the first category at the bottom
  return {
    animation: false,
    grid: { left: 8, right: 24, top: 24, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', minInterval: 1, axisLabel: AXIS_LABEL, splitLine: { lineStyle: { color: '#e2e8f0' } } },
    yAxis: { type: 'category', data: rev(d.types.map((t) => t.replaceAll('_', ' '))), axisLabel: { ...AXIS_LABEL, color: '#334155' } },
    series: (['critical', 'warning', 'info'] as const).map((s) => ({
      name: s, type: 'bar' as const, stack: 'open', color: SEVERITY_COLORS[s], barMaxWidth: 18, data: rev(d.counts[s]),
    })),
  };
}

/**
 * One alert's compared value at each stored transition, oldest left (transitions come newest first). Points, not a
 * smooth curve: the value is known only at the transitions, so the line just joins them.
 */
export function alertValueOption(transitions: readonly { at: string; value: number }[]): ChartOption {
  const points = transitions.map((t) => [Date.parse(t.at), t.value]).sort((a, b) => a[0]! - b[0]!);
  return {
    animation: false,
    grid: { left: 8, right: 16, top: 12, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'time', axisLabel: { ...AXIS_LABEL, hideOverlap: true } },
    yAxis: { type: 'value', scale: true, axisLabel: AXIS_LABEL, splitLine: { lineStyle: { color: '#e2e8f0' } } },
    series: [{ name: 'value', type: 'line', color: '#2563eb', symbolSize: 6, data: points }],
  };
}
