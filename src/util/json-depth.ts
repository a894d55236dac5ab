/**
 * How deeply a parsed JSON value nests. JSON.parse takes any depth, but code that walks a value
 * recursively (a scenario's `expect`: its key check, the comparison, JSON.stringify in a failure
 * message) overflows the stack on a few thousand levels: such input is refused first, by this
 * iterative walk.
 */

/** True when `value` has arrays or objects nested more than `limit` levels deep. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [v, depth] = top;
    if (typeof v !== "object" || v === null) continue;
    if (depth + 1 > limit) return true;
    for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push([x, depth + 1]);
  }
  return false;
}
