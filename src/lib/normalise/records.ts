/**
 * Per-line classification (format doc §2.5, step 4): every parsed line is one of the record
 * shapes below. Classification is cheap and done for every line, so a file that mixes shapes
 * (a downgrade appending bare lines to an envelope file) is still read correctly.
 */
import { isObj, type Obj } from './values.ts';

export type LineRecord =
  /** `{timestamp, type, payload}`: generations 2 and 3. */
  | { shape: 'envelope'; type: string; payload: unknown; timestamp: string | null; ordinal: number | null; line: number }
  /** Generation-1 session header: `{id, timestamp, instructions?, git?}` without `type`. */
  | { shape: 'bare-meta'; payload: Obj; line: number }
  /** Generation-1 (and generation-0 `items[]`) Responses API item with a `type`. */
  | { shape: 'bare-item'; payload: Obj; line: number }
  /** Generation-1 `{"record_type":"state"}` bookkeeping line. */
  | { shape: 'state'; line: number }
  /** Valid JSON that is none of the above. */
  | { shape: 'other'; value: unknown; line: number };

export function classifyLine(value: unknown, line: number): LineRecord {
  if (!isObj(value)) return { shape: 'other', value, line };
  if (typeof value.type === 'string' && 'payload' in value && typeof value.timestamp === 'string') {
    return {
      shape: 'envelope',
      type: value.type,
      payload: value.payload,
      timestamp: value.timestamp,
      ordinal: typeof value.ordinal === 'number' ? value.ordinal : null,
      line,
    };
  }
  if ('record_type' in value) return { shape: 'state', line };
  if (typeof value.type === 'string') return { shape: 'bare-item', payload: value, line };
  if (typeof value.id === 'string' && 'timestamp' in value) return { shape: 'bare-meta', payload: value, line };
  return { shape: 'other', value, line };
}

/** The kind a record is counted under in reports: `type` or `type/payload.type`. */
export function recordKind(record: LineRecord): string {
  switch (record.shape) {
    case 'envelope': {
      const p = record.payload;
      if ((record.type === 'event_msg' || record.type === 'response_item') && isObj(p) && typeof p.type === 'string') {
        if (p.type === 'item_completed' && isObj(p.item) && typeof p.item.type === 'string') {
          return `event_msg/item_completed (${p.item.type})`;
        }
        return `${record.type}/${p.type}`;
      }
      return record.type;
    }
    case 'bare-meta':
      return '(bare session header)';
    case 'bare-item':
      return `(bare item) ${String(record.payload.type)}`;
    case 'state':
      return 'record_type=state';
    case 'other':
      return '(unrecognised json)';
  }
}
