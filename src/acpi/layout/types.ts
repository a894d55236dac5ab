/**
 * Declarative structure descriptions, in the spirit of ACPICA's dmtbinfo tables: one `StructSpec`
 * per ACPI structure drives decoding, encoding, the iasl-style printer and
 * reserved-field validation. No table layout is written down anywhere else.
 */

export type ScalarKind = "u8" | "u16" | "u24" | "u32" | "u64";
export type FieldKind = ScalarKind | "ascii" | "bytes" | "array";

/** A bit range inside an integer field, printed on its own line below the field as iasl does. */
export interface BitSpec {
  key: string;
  label: string;
  shift: number;
  /** Width in bits; 1-bit fields become booleans in JSON. */
  width: number;
  /** Minimum hex digits when printed (iasl prints e.g. "Cache Line Size : 0008"). */
  digits?: number;
}

export interface FieldSpec {
  /** iasl's label, e.g. "Proximity Domain" (printer, and the JSON key derives from it). */
  label: string;
  /** JSON / model key: ACPICA's label in lowerCamelCase unless overridden. */
  key: string;
  kind: FieldKind;
  /** Size in bytes (for arrays: the size of one element). */
  size: number;
  /** For "array": element kind and how many elements, computed from earlier fields of the struct. */
  element?: ScalarKind;
  count?: (values: Readonly<FieldValues>) => number;
  /** Decoded bit fields ("Flags (decoded below)"). */
  bits?: BitSpec[];
  /** Bits of this integer that must be zero (validated; reported with `reservedCode`). */
  reservedMask?: number;
  /** The whole field is reserved and must be zero. */
  reserved?: boolean;
  /** Structural role: the subtable type or length field. */
  role?: "type" | "length";
  /** A 64-bit count, not an address or length: JSON prints a number (while it is exact). */
  jsonNumber?: boolean;
  /** Names for enumerated values, printed after the value: "01 [PCI]". */
  names?: Readonly<Record<number, string>>;
  /** Arrays: the list is every byte left in the struct (MADT Local SAPIC's UID string); `count` is not asked. */
  rest?: boolean;
  /** u8 arrays: one line with the bytes as text, as iasl prints a string field (ACPI_DMT_STRING); JSON: a string up to its NUL. */
  text?: boolean;
  /** Arrays: iasl's label for the first element when it differs ("First Target", then "Next Target"). */
  firstLabel?: string;
  /** Bits decoded in JSON only: iasl prints the field as a plain number (CEDT "Restrictions"). */
  quietBits?: boolean;
}

export interface StructSpec {
  /** Stable id, e.g. "SRAT.1". */
  id: string;
  /** iasl's name of the structure, e.g. "Memory Affinity". */
  name: string;
  fields: readonly FieldSpec[];
}

/** A decoded field value. Integers up to 32 bits are numbers; 64-bit ones are bigints (array elements too). */
export type FieldValue = number | bigint | string | Uint8Array | number[] | bigint[];
export type FieldValues = Record<string, FieldValue>;

export const scalarSize: Record<ScalarKind, number> = { u8: 1, u16: 2, u24: 3, u32: 4, u64: 8 };

/** "Proximity Domain Low(8)" -> "proximityDomainLow8"; "SMBIOS Handle #" -> "smbiosHandle". */
export function labelToKey(label: string): string {
  const words = label.replace(/\(decoded below\)/g, "").replace(/#/g, "").split(/[^A-Za-z0-9]+/).filter((w) => w !== "");
  return words.map((w, i) => {
    const lower = w.toLowerCase();
    return i === 0 ? lower : lower.charAt(0).toUpperCase() + lower.slice(1);
  }).join("");
}

type FieldOpts = Partial<Omit<FieldSpec, "label" | "kind" | "size">>;

function scalar(kind: ScalarKind) {
  return (label: string, opts: FieldOpts = {}): FieldSpec => ({ label, key: opts.key ?? labelToKey(label), kind, size: scalarSize[kind], ...opts });
}

/** Field constructors: `u32("Proximity Domain")`, `flags32("Flags", [bit(0, "Enabled")])`, ... */
export const u8 = scalar("u8");
export const u16 = scalar("u16");
export const u24 = scalar("u24");
export const u32 = scalar("u32");
export const u64 = scalar("u64");
export const ascii = (label: string, size: number, opts: FieldOpts = {}): FieldSpec =>
  ({ label, key: opts.key ?? labelToKey(label), kind: "ascii", size, ...opts });
export const bytes = (label: string, size: number, opts: FieldOpts = {}): FieldSpec =>
  ({ label, key: opts.key ?? labelToKey(label), kind: "bytes", size, ...opts });
export const reserved = (kind: ScalarKind, label: string): FieldSpec => scalar(kind)(label, { reserved: true });
export const array = (label: string, element: ScalarKind, count: (v: Readonly<FieldValues>) => number, opts: FieldOpts = {}): FieldSpec =>
  ({ label, key: opts.key ?? labelToKey(label), kind: "array", size: scalarSize[element], element, count, ...opts });

/** A NUL-terminated string filling the rest of the struct (ACPICA's ACPI_DMT_STRING at a struct's end); bytes, printed as text. */
export const restString = (label: string, opts: FieldOpts = {}): FieldSpec =>
  ({ label, key: opts.key ?? labelToKey(label), kind: "array", size: 1, element: "u8", rest: true, text: true, ...opts });

/** A flags field: label gets iasl's "(decoded below)"; `reservedMask` defaults to every undefined bit. */
export function flags(kind: ScalarKind, label: string, bitSpecs: BitSpec[], opts: FieldOpts & { reservedMask?: number } = {}): FieldSpec {
  const width = scalarSize[kind] * 8;
  const all = width >= 32 ? 0xffffffff : (1 << width) - 1;
  const defined = bitSpecs.reduce((m, b) => (m | (((1 << b.width) - 1) << b.shift)) >>> 0, 0);
  return {
    label: `${label} (decoded below)`, key: opts.key ?? labelToKey(label), kind, size: scalarSize[kind], bits: bitSpecs,
    reservedMask: opts.reservedMask ?? ((all & ~defined) >>> 0), ...opts,
  };
}
export const bit = (shift: number, label: string, width = 1, digits?: number): BitSpec =>
  digits === undefined ? { key: labelToKey(label), label, shift, width } : { key: labelToKey(label), label, shift, width, digits };

const staticSizes = new WeakMap<StructSpec, number>();

/** Static byte size of a struct (arrays count 0: their size depends on the data). Cached: the walker asks per subtable. */
export function staticSize(spec: StructSpec): number {
  let n = staticSizes.get(spec);
  if (n === undefined) {
    n = spec.fields.reduce((sum, f) => sum + (f.kind === "array" ? 0 : f.size), 0);
    staticSizes.set(spec, n);
  }
  return n;
}

/**
 * The byte size the spec gives a struct whose count fields hold `values`: its fixed fields plus
 * each array at the length its count implies (HMAT: 32 + 4·(s+t) + 2·s·t, from the spec alone).
 */
export function impliedSize(spec: StructSpec, values: Readonly<FieldValues>): number {
  return spec.fields.reduce((sum, f) => sum + (f.kind === "array" ? Math.max(0, f.count?.(values) ?? 0) * f.size : f.size), 0);
}

/** The field `key` of `spec`; a key the spec does not have is a programming error, caught at load. */
export function fieldOf(spec: StructSpec, key: string): FieldSpec {
  const f = spec.fields.find((x) => x.key === key);
  if (f === undefined) throw new Error(`${spec.id} has no field ${key}`);
  return f;
}

/**
 * Where field `key` starts inside `spec`, from the sizes of the fields before it. Offsets that
 * messages and locations name come from here, never from a number written beside the spec.
 */
export function fieldOffset(spec: StructSpec, key: string): number {
  let at = 0;
  for (const f of spec.fields) {
    if (f.key === key) return at;
    if (f.kind === "array") throw new Error(`${spec.id}: ${key} follows the variable-length ${f.key}`);
    at += f.size;
  }
  throw new Error(`${spec.id} has no field ${key}`);
}

/**
 * Named bits of a flags field, for code that reads them: `SRAT_MEMORY_FLAGS.hotPluggable`. The spec
 * is built from the same objects (`flags(..., Object.values(named))`), so the name, position and
 * label live once; a key that is not the bit's own key (from its label) fails at load.
 */
export function bitNames<K extends string>(bits: Readonly<Record<K, BitSpec>>): Readonly<Record<K, BitSpec>> {
  for (const [key, b] of Object.entries<BitSpec>(bits)) {
    if (key !== b.key) throw new Error(`bit "${b.label}" is named ${key}, its key is ${b.key}`);
  }
  return bits;
}

/** Whether a one-bit flag is set in a flags value. */
export function isSet(value: number, b: BitSpec): boolean {
  return bitValue(value, b) !== 0;
}

/** Read one bit field out of an integer field value. */
export function bitValue(value: number, b: BitSpec): number {
  return b.width >= 32 ? value >>> 0 : (value >>> b.shift) & ((2 ** b.width) - 1);
}
