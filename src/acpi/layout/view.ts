/**
 * Typed reading of decoded values. The engine hands out untyped `FieldValues`; a view names the
 * fields some code needs, with the kind each must have, and `readView` checks both before handing
 * out a typed object. The shapes are declared beside the specs' keys (src/acpi/views.ts) and a test
 * checks every shape against its spec, so a renamed or retyped field fails there, not at run time.
 */
import type { FieldKind, FieldValue, FieldValues, StructSpec } from "./types.js";

interface KindValue { u8: number; u16: number; u24: number; u32: number; u64: bigint; ascii: string; bytes: Uint8Array; array: number[] }

/** Field key -> the kind the spec gives it. */
export type Shape = Readonly<Record<string, FieldKind>>;
/** The typed object a shape reads. */
export type ViewOf<S extends Shape> = { -readonly [K in keyof S]: KindValue[S[K]] };

/** A shape and the specs it reads from: what the key test walks. */
export interface ViewDef<S extends Shape = Shape> { name: string; specs: readonly StructSpec[]; shape: S }

export function defineView<S extends Shape>(name: string, specs: readonly StructSpec[], shape: S): ViewDef<S> {
  return { name, specs, shape };
}

function ofKind(v: FieldValue, kind: FieldKind): boolean {
  switch (kind) {
    case "u64": return typeof v === "bigint";
    case "ascii": return typeof v === "string";
    case "bytes": return v instanceof Uint8Array;
    case "array": return Array.isArray(v);
    default: return typeof v === "number";
  }
}

/** The fields a view names, typed; undefined when one is absent (a struct cut short) or of another kind. */
export function readView<S extends Shape>(values: Readonly<FieldValues>, view: ViewDef<S>): ViewOf<S> | undefined {
  const out: Partial<Record<string, FieldValue>> = {};
  for (const key in view.shape) {
    const v = values[key];
    const kind = view.shape[key];
    if (v === undefined || kind === undefined || !ofKind(v, kind)) return undefined;
    out[key] = v;
  }
  // Every key of the shape was just checked to hold a value of its kind.
  return out as ViewOf<S>;
}
