/**
 * Lookups of input strings in constant tables. A plain object inherits Object.prototype's members,
 * so `ALIASES[name]` for a name a scenario file gives ("constructor", "toString", "__proto__")
 * returned a function or an object instead of "no such alias".
 */

/** `record[key]` when `key` is one of the record's own keys, else undefined. */
export function ownValue<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
