/**
 * The contract of contract.ts read back as a list of fields per object: key, scalar kind,
 * required or default, in the canonical key order. The fast validator, the canonical
 * serializer and the detailed validator are all derived from these lists, so a field added to
 * contract.ts reaches all of them.
 */
import {
  DATE_PATTERN,
  EVENT_TYPES,
  type EventType,
  ID_PATTERN,
  MONEY_NONNEG_PATTERN,
  MONEY_POS_PATTERN,
  PAYLOADS,
  RATE_BELOW_ONE_PATTERN,
  RATE_PATTERN,
  SimulationEvent,
  TIMESTAMP_PATTERN,
  UUID_PATTERN,
} from './contract.js';
import { canonMoney, canonRate, canonTimestamp, canonUuid, isDate, isId, isIntegerIn } from './scalars.js';

export type Kind =
  | {
      t: 'moneyPos' | 'moneyNonNeg' | 'rate' | 'rateBelowOne' | 'date' | 'timestamp' | 'uuid' | 'id' | 'bool';
    }
  | { t: 'int'; min: number; max: number }
  | { t: 'enum'; values: readonly string[] }
  | { t: 'const'; value: string }
  | { t: 'object'; fields: Field[] }
  | { t: 'payload' };

export interface Field {
  key: string;
  kind: Kind;
  nullable: boolean;
  required: boolean;
  /**
   * Canonical value of an absent optional field: the contract's default, else null when the
   * field is nullable, else `undefined` (the key is left out, as in source_balances_vested).
   */
  fallback: unknown;
  /** What a valid value is, for error messages. */
  description: string;
}

interface JsonSchema {
  type?: string;
  pattern?: string;
  const?: string;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  description?: string;
  default?: unknown;
}

const PATTERN_KINDS: Record<string, Kind['t']> = {
  [MONEY_POS_PATTERN]: 'moneyPos',
  [MONEY_NONNEG_PATTERN]: 'moneyNonNeg',
  [RATE_PATTERN]: 'rate',
  [RATE_BELOW_ONE_PATTERN]: 'rateBelowOne',
  [DATE_PATTERN]: 'date',
  [TIMESTAMP_PATTERN]: 'timestamp',
  [UUID_PATTERN]: 'uuid',
  [ID_PATTERN]: 'id',
};

function kindOf(s: JsonSchema, key: string): { kind: Kind; nullable: boolean } {
  // The envelope's payload: a union of the eleven kinds, chosen by payload.event_type.
  if (key === 'payload') return { kind: { t: 'payload' }, nullable: false };
  if (s.anyOf !== undefined) {
    const nonNull = s.anyOf.filter((x) => x.type !== 'null');
    if (nonNull.length === 1 && s.anyOf.length === 2)
      return { kind: kindOf(nonNull[0], key).kind, nullable: true };
    return { kind: { t: 'enum', values: s.anyOf.map((x) => x.const as string) }, nullable: false };
  }
  if (s.const !== undefined) return { kind: { t: 'const', value: s.const }, nullable: false };
  if (s.type === 'string' && s.pattern !== undefined && PATTERN_KINDS[s.pattern] !== undefined) {
    return { kind: { t: PATTERN_KINDS[s.pattern] } as Kind, nullable: false };
  }
  if (s.type === 'boolean') return { kind: { t: 'bool' }, nullable: false };
  if (s.type === 'integer') {
    return { kind: { t: 'int', min: s.minimum ?? -Infinity, max: s.maximum ?? Infinity }, nullable: false };
  }
  if (s.type === 'object') return { kind: { t: 'object', fields: fieldsOf(s) }, nullable: false };
  throw new Error(`contract.ts: no scalar kind for field ${key}`);
}

/** The fields of an object schema in canonical (declaration) order. */
export function fieldsOf(schema: unknown): Field[] {
  const s = schema as JsonSchema;
  const required = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {}).map(([key, prop]) => {
    const { kind, nullable } = kindOf(prop, key);
    const req = required.has(key);
    return {
      key,
      kind,
      nullable,
      required: req,
      fallback: req ? undefined : prop.default !== undefined ? prop.default : nullable ? null : undefined,
      description: describe(prop, kind),
    };
  });
}

function describe(s: JsonSchema, kind: Kind): string {
  if (kind.t === 'payload') return 'payload object with event_type one of ' + EVENT_TYPES.join(', ');
  if (kind.t === 'const') return JSON.stringify(kind.value);
  if (kind.t === 'object') return 'object with fields among ' + kind.fields.map((f) => f.key).join(', ');
  return s.description ?? kind.t;
}

/** The kinds whose canonical JSON value is a string (the others: booleans, integers, objects). */
export const QUOTED = new Set<Kind['t']>([
  'moneyNonNeg',
  'moneyPos',
  'rate',
  'rateBelowOne',
  'date',
  'timestamp',
  'uuid',
  'id',
  'enum',
  'const',
]);

export const ENVELOPE_FIELDS: Field[] = fieldsOf(SimulationEvent);
export const PAYLOAD_FIELDS: Record<EventType, Field[]> = Object.fromEntries(
  EVENT_TYPES.map((k) => [k, fieldsOf(PAYLOADS[k])]),
) as Record<EventType, Field[]>;

/** What a value of this kind must be beyond its JSON Schema (for the rules a pattern cannot state). */
export function realityOf(kind: Kind): string | undefined {
  if (kind.t === 'date') return 'real calendar date YYYY-MM-DD (0001–9999)';
  if (kind.t === 'timestamp') {
    return 'real RFC 3339 timestamp (time ≤ 23:59:59, offset ≤ 23:59, UTC year 0001–9999)';
  }
  return undefined;
}

/**
 * Canonical value of a scalar field, or `undefined` when invalid. The generated fast path
 * inlines the same calls (fast.ts); nested objects and the payload are handled by the callers.
 */
export function canonScalar(kind: Kind, v: unknown): unknown {
  switch (kind.t) {
    case 'moneyPos':
      return canonMoney(v, true);
    case 'moneyNonNeg':
      return canonMoney(v, false);
    case 'rate':
      return canonRate(v, false);
    case 'rateBelowOne':
      return canonRate(v, true);
    case 'date':
      return isDate(v) ? v : undefined;
    case 'timestamp':
      return canonTimestamp(v);
    case 'uuid':
      return canonUuid(v);
    case 'id':
      return isId(v) ? v : undefined;
    case 'bool':
      return typeof v === 'boolean' ? v : undefined;
    case 'int':
      return isIntegerIn(v, kind.min, kind.max) ? v : undefined;
    case 'enum':
      return typeof v === 'string' && kind.values.includes(v) ? v : undefined;
    case 'const':
      return v === kind.value ? v : undefined;
    default:
      return undefined;
  }
}
