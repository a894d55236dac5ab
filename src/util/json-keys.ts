/**
 * The one JSON key convention of numakit's reports: camelCase. The simulated hypervisor keeps Xen's
 * own field names (`tot_pages`, `pages_by_node`, as in struct xen_domctl_getdomaininfo), and its
 * results become report JSON through this helper, so every command's output spells keys one way.
 */

/** "pages_by_node" -> "pagesByNode"; keys without "_" (and numeric keys such as node ids) are unchanged. */
export function camelKey(key: string): string {
  return key.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** A copy of a JSON value with every object key in camelCase (arrays and nested objects included). */
export function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [camelKey(k), camelKeys(v)]));
}

/** camelKeys for a JSON object (a step's result). */
export function camelKeysOf(value: object): Record<string, unknown> {
  return camelKeys(value) as Record<string, unknown>;
}
