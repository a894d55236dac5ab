/** Values the static evaluator can produce, and the static/dynamic result wrapper. */

export type AmlValue =
  | { type: "integer"; value: bigint }
  | { type: "string"; value: string }
  | { type: "buffer"; bytes: Uint8Array }
  | { type: "package"; elements: AmlValue[] }
  /** A NameString inside a Package: a reference, which AML does not evaluate (§19.6.102). */
  | { type: "reference"; path: string };

/** Where the object that gave a value is defined. */
export interface Origin {
  /** Table label ("DSDT", "SSDT2"). */
  table: string;
  /** Table-relative offset of the defining opcode (Name or Method). */
  offset: number;
}

export interface StaticValue<T> extends Origin { static: true; value: T }
/** A value that needs evaluation; `reason` says why, in one line. Nothing is guessed. */
export interface DynamicValue extends Origin { static: false; reason: string }
export type ObjectValue<T> = StaticValue<T> | DynamicValue;

/** Returned by value transformers when a static value is of the wrong shape. */
export class NotStatic {
  constructor(readonly reason: string) {}
}

/** Apply `f` to a static value; a `NotStatic` result turns it into a dynamic one with that reason. */
export function mapStatic<A, B>(v: ObjectValue<A>, f: (a: A) => B | NotStatic): ObjectValue<B> {
  if (!v.static) return v;
  const r = f(v.value);
  if (r instanceof NotStatic) return { static: false, reason: r.reason, table: v.table, offset: v.offset };
  return { static: true, value: r, table: v.table, offset: v.offset };
}
