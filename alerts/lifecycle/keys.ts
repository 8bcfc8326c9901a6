/**
 * Identity and ids. An alert's key is its rule plus its identity labels, so the same instance seen again is the
 * same alert (dedupe). Notice and transition ids are hashes of what they describe, so a republish after a crash
 * carries the same id and JetStream's msgID window drops the duplicate.
 */
import { createHash } from 'node:crypto';
import type { Labels, Rule } from '../../contracts/alerts.ts';

/** Identity labels: the rule's static labels, then the instance's (an instance's own value wins, so `site` is its). */
export function identityLabels(rule: Pick<Rule, 'labels'>, labels: Labels): Labels {
  return { ...rule.labels, ...labels };
}

/** `${rule.id}|k=v,k=v` with the labels sorted by name. */
export function alertKey(ruleId: string, labels: Labels): string {
  const pairs = Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`);
  return `${ruleId}|${pairs.join(',')}`;
}

/** `${rule.id}|v,v`: the values of the rule's groupBy labels (a missing label counts as empty). */
export function groupKey(rule: Pick<Rule, 'id' | 'groupBy'>, labels: Labels): string {
  return `${rule.id}|${rule.groupBy.map((l) => labels[l] ?? '').join(',')}`;
}

/** 32 url-safe characters of sha256: 192 bits, far beyond any collision worry at our volume. */
export function hashId(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 32);
}

export const iso = (ms: number) => new Date(ms).toISOString();
export const ms = (isoTime: string) => Date.parse(isoTime);
