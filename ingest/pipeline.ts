/**
 * The steps one message goes through. Each step answers ok (go on), deadLetter (terminate, copy to the
 * dead-letter subject, record the reason) or drop; the consumer maps answers to ack / term. Steps never
 * throw on bad input: a bad event must not stop the stream.
 */
import { familyOf, parseEvent, type Family } from '../contracts/index.ts';
import { eventRowLine } from '../clickhouse/event-rows.ts';

export type StepResult =
  | { kind: 'row'; family: Family; id: string; line: string }
  | { kind: 'deadLetter'; reason: string; raw: string; hint: { id: string; type: string; source: string; site: string } };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Run every step for one message: decode → JSON → contract (matching the subject) → row. */
export function processMessage(subject: string, data: Uint8Array, streamSeq: number, subjectPrefix = 'ops'): StepResult {
  let raw: string;
  try {
    raw = decoder.decode(data);
  } catch {
    return deadLetter('payload is not valid UTF-8', Buffer.from(data).toString('latin1'));
  }
  let input: unknown;
  try {
    input = JSON.parse(raw);
  } catch (err) {
    return deadLetter(`invalid JSON: ${(err as Error).message}`, raw);
  }
  // Tests and tenants may run under another subject prefix; the contract's subject is always ops.<type>.
  const canonical = subjectPrefix === 'ops' ? subject : `ops${subject.slice(subjectPrefix.length)}`;
  const parsed = parseEvent(input, canonical);
  if (!parsed.ok) return deadLetter(parsed.reason, raw, input);
  const family = familyOf(parsed.event.type)!;
  // The payload column keeps the producer's own text only when it is a plain JSON object.
  // Only the id and the row are kept: holding the parsed objects of two 10k batches cost ~60 MB of heap.
  return { kind: 'row', family, id: parsed.event.id, line: eventRowLine(parsed.event, streamSeq, raw.trimStart().startsWith('{') ? raw : JSON.stringify(input)) };
}

function deadLetter(reason: string, raw: string, input?: unknown): StepResult {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return { kind: 'deadLetter', reason, raw, hint: { id: str(o.id), type: str(o.type), source: str(o.source), site: str(o.site) } };
}
