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

/** The unit a set of durations reads best in: seconds under 2 min, minutes under 2 h, else hours. */
export function durationUnit(maxSeconds: number): { name: string; seconds: number } {
  if (maxSeconds < 120) return { name: 's', seconds: 1 };
  if (maxSeconds < 2 * 3600) return { name: 'min', seconds: 60 };
  return { name: 'h', seconds: 3600 };
}

/**
 * Horizontal bars per alert type (most fired on top, as the rows come): median time to acknowledge and to resolve,
 * in one unit chosen from the largest. A type with no ack (or no resolve) has no bar for it.
 */
export function responseTimesOption(rows: readonly { type: string; ackMedianSeconds: number | null; resolveMedianSeconds: number | null }[]): ChartOption {
  const rev = <T>(xs: T[]) => [...xs].reverse();
  const unit = durationUnit(Math.max(0, ...rows.flatMap((r) => [r.ackMedianSeconds ?? 0, r.resolveMedianSeconds ?? 0])));
  const inUnit = (s: number | null) => (s === null ? null : Math.round((s / unit.seconds) * 10) / 10);
  return {
    animation: false,
    grid: { left: 8, right: 24, top: 24, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => (v == null ? '—' : `${String(v)} ${unit.name}`) },
    xAxis: { type: 'value', name: unit.name, nameTextStyle: AXIS_LABEL, axisLabel: AXIS_LABEL, splitLine: { lineStyle: { color: '#e2e8f0' } } },
    yAxis: { type: 'category', data: rev(rows.map((r) => r.type.replaceAll('_', ' '))), axisLabel: { ...AXIS_LABEL, color: '#334155' } },
    series: [
      { name: 'median to ack', type: 'bar', color: '#2563eb', barMaxWidth: 10, data: rev(rows.map((r) => inUnit(r.ackMedianSeconds))) },
      { name: 'median to resolve', type: 'bar', color: '#16a34a', barMaxWidth: 10, data: rev(rows.map((r) => inUnit(r.resolveMedianSeconds))) },
    ],
  };
}
