/**
 * hwloc's core building the object tree from what its Linux backend found (./hwloc-view.ts), for
 * the objects that backend makes from numakit's sysfs (src/synth/sysfs.ts): Machine, PUs (no
 * Package or Core: the tables do not say which CPUs share one), NUMANodes, their memory-side
 * caches (MemCache) and the Groups hwloc inserts itself. Each step follows hwloc 2.9.0 (the
 * version Debian's hwloc-nox ships; `lstopo --version`), hwloc/topology.c unless said otherwise:
 *
 * 1. PUs under the Machine (topology-linux.c look_sysfscpu()).
 * 2. Memory trees, first the nodes with CPUs then the CPU-less ones, each in os_index order
 *    (look_sysfsnode()); a tree is the node wrapped in its MemCaches, the deepest cache outermost.
 *    Each object goes below the object whose cpuset equals the node's, else a new Group of kind
 *    HWLOC_GROUP_KIND_MEMORY (1001) with that cpuset, inserted by cpuset (and one with an empty
 *    cpuset for a node without locality): hwloc__find_insert_memory_parent(). Memory children
 *    are kept in nodeset order and a MemCache goes above the node or shallower cache of its
 *    nodeset (hwloc___attach_memory_object_by_nodeset()).
 * 3. Groups from the NUMALatency matrix (distances.c hwloc__groups_by_distances(), exact values
 *    only: the Linux backend does not pass HWLOC_DISTANCES_ADD_FLAG_GROUP_INACCURATE): when the
 *    matrix is symmetric with each diagonal value below the rest of its row, nodes linked
 *    transitively by the smallest distance form a Group (kind HWLOC_GROUP_KIND_DISTANCE, 900,
 *    subkind = the round), unless one group would hold them all; the groups' averaged matrix is
 *    grouped again. A Group with the same cpuset as an existing Group merges into it (the
 *    smaller kind wins: hwloc__insert_try_merge_group()).
 * 4. remove_empty(), then hwloc_filter_levels_keep_structure(): Groups are KEEP_STRUCTURE, so a
 *    level of Groups each the only child of its parent is removed.
 */
import { sortedUnion } from "../util/arrays.js";

export type HwlocObjType = "Machine" | "Group" | "NUMANode" | "MemCache" | "PU";

export interface HwlocObj {
  type: HwlocObjType;
  os?: number;
  /** Ascending bit numbers. */
  cpuset: number[];
  nodeset: number[];
  /** Group: kind and subkind (hwloc/private.h HWLOC_GROUP_KIND_*). */
  kind?: number | undefined;
  subkind?: number | undefined;
  /** NUMANode */
  localMemory?: bigint;
  subtype?: string;
  /** MemCache: hwloc's cache attributes. */
  cache?: { size: bigint; depth: number; linesize: number; associativity: number };
  infos: [string, string][];
  memory: HwlocObj[];
  children: HwlocObj[];
  parent?: HwlocObj | undefined;
}

export const GROUP_KIND_DISTANCE = 900;
export const GROUP_KIND_MEMORY = 1001;

export interface HwlocMemoryTree {
  node: HwlocObj;
  /** Outermost first (deepest cache first). */
  caches: HwlocObj[];
}

const isEqual = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** How many ids two ascending, duplicate-free lists (every set here) share: one merge pass. */
function common(a: readonly number[], b: readonly number[]): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) { n++; i++; j++; } else if (x < y) i++; else j++;
  }
  return n;
}
const isIncluded = (a: readonly number[], b: readonly number[]): boolean => a.length <= b.length && common(a, b) === a.length;

type Cmp = "equal" | "included" | "contains" | "intersects" | "different";

/**
 * hwloc_obj_cmp_sets(): by cpuset; an empty one is "different" from everything. One merge pass
 * (the tree's inserts compare every object with its siblings: with a Set per comparison, a 64-node
 * host's export took 5× as long as the rest of it).
 */
function cmpSets(a: HwlocObj, b: HwlocObj): Cmp {
  if (a.cpuset.length === 0 || b.cpuset.length === 0) return "different";
  const n = common(a.cpuset, b.cpuset);
  if (n === 0) return "different";
  if (n === a.cpuset.length) return n === b.cpuset.length ? "equal" : "included";
  return n === b.cpuset.length ? "contains" : "intersects";
}

/** hwloc_bitmap_compare_first(): an empty set sorts after any other. */
function compareFirst(a: readonly number[], b: readonly number[]): number {
  const fa = a[0];
  const fb = b[0];
  if (fa === undefined) return fb === undefined ? 0 : 1;
  if (fb === undefined) return -1;
  return fa - fb;
}

const ORDER: Record<HwlocObjType, number> = { Machine: 0, Group: 1, NUMANode: 2, MemCache: 2, PU: 3 };

/** hwloc_type_cmp() for the normal types here: Groups of another kind or subkind are unordered. */
function typeCmp(a: HwlocObj, b: HwlocObj): Cmp {
  if (ORDER[a.type] !== ORDER[b.type]) return ORDER[a.type] > ORDER[b.type] ? "included" : "contains";
  if (a.type === "Group" && (a.kind !== b.kind || a.subkind !== b.subkind)) return "different";
  return "equal";
}

/** hwloc___insert_object_by_cpuset(); returns the object now in the tree (obj, or what it merged into), undefined on failure. */
function insertByCpuset(cur: HwlocObj, obj: HwlocObj): HwlocObj | undefined {
  let putAt = -1;
  const kept: HwlocObj[] = [];
  for (const child of cur.children) {
    let res = cmpSets(obj, child);
    const setres = res;
    if (res === "equal") {
      // hwloc__insert_try_merge_group() (no dont_merge Groups here).
      if (obj.type === "Group" && child.type === "Group") {
        if ((obj.kind ?? 0) < (child.kind ?? 0)) { child.kind = obj.kind; child.subkind = obj.subkind; }
        return child;
      }
      if (obj.type === "Group" && !(child.type === "PU" && obj.kind === GROUP_KIND_MEMORY)) return child;
      res = typeCmp(obj, child);
    }
    if (res === "equal") return child;
    if (res === "included") return insertByCpuset(child, obj);
    if (res === "intersects") return undefined;
    if (res === "different") {
      if (putAt < 0 && compareFirst(obj.cpuset, child.cpuset) < 0) putAt = kept.length;
      kept.push(child);
    } else {
      obj.children.push(child);
      child.parent = obj;
      if (setres === "equal") {
        obj.memory.push(...child.memory);
        for (const m of child.memory) m.parent = obj;
        child.memory = [];
      }
    }
  }
  if (putAt < 0) putAt = kept.length;
  kept.splice(putAt, 0, obj);
  cur.children = kept;
  obj.parent = cur;
  return obj;
}

/** hwloc_get_child_covering_cpuset() + hwloc__find_obj_covering_memory_cpuset(). */
function coveringObj(parent: HwlocObj, cpuset: readonly number[]): HwlocObj {
  if (cpuset.length === 0) return parent;
  const child = parent.children.find((c) => isIncluded(cpuset, c.cpuset));
  if (child === undefined) return parent;
  return isEqual(child.cpuset, cpuset) ? child : coveringObj(child, cpuset);
}

function newObj(type: HwlocObjType, cpuset: number[], extra: Partial<HwlocObj> = {}): HwlocObj {
  return { type, cpuset, nodeset: [], infos: [], memory: [], children: [], ...extra };
}

/** hwloc__find_insert_memory_parent(). */
function memoryParent(root: HwlocObj, obj: HwlocObj): HwlocObj {
  let parent = root;
  if (obj.cpuset.length > 0) {
    parent = coveringObj(root, obj.cpuset);
    if (parent.type === "PU") parent = parent.parent ?? root;
    if (parent !== root && isEqual(parent.cpuset, obj.cpuset)) return parent;
  }
  const group = newObj("Group", [...obj.cpuset], { kind: GROUP_KIND_MEMORY, subkind: 0 });
  return insertByCpuset(parent, group) ?? parent;
}

/** hwloc___attach_memory_object_by_nodeset(): memory objects here have one node each. */
function attachMemory(parent: HwlocObj, obj: HwlocObj): void {
  const first = obj.nodeset[0] ?? 0;
  const list = parent.memory;
  for (let i = 0; i < list.length; i++) {
    const cur = list[i];
    if (cur === undefined) continue;
    const curFirst = cur.nodeset[0] ?? 0;
    if (first < curFirst) { list.splice(i, 0, obj); obj.parent = parent; return; }
    if (first === curFirst) {
      if (obj.type === "NUMANode") {
        if (cur.type === "MemCache") attachMemory(cur, obj);
        return;
      }
      if (cur.type === "MemCache") {
        if (cur.cache?.depth === obj.cache?.depth) return;
        if ((cur.cache?.depth ?? 0) > (obj.cache?.depth ?? 0)) { attachMemory(cur, obj); return; }
      }
      obj.memory = [cur];
      cur.parent = obj;
      list[i] = obj;
      obj.parent = parent;
      return;
    }
  }
  list.push(obj);
  obj.parent = parent;
}

/** distances.c hwloc__check_grouping_matrix() at accuracy 0. */
function groupable(values: readonly (readonly number[])[]): boolean {
  const v = (i: number, j: number): number => values[i]?.[j] ?? 0;
  for (let i = 0; i < values.length; i++) {
    for (let j = i + 1; j < values.length; j++) if (v(i, j) !== v(j, i) || v(i, j) <= v(i, i)) return false;
  }
  return true;
}

/** distances.c hwloc__find_groups_by_min_distance() at accuracy 0: group ids (1-based, 0 = none) and their count. */
function groupsByMinDistance(values: readonly (readonly number[])[]): { ids: number[]; count: number } {
  const n = values.length;
  const v = (i: number, j: number): number => values[i]?.[j] ?? 0;
  const ids = new Array<number>(n).fill(0);
  let min = Infinity;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && v(i, j) < min) min = v(i, j);
  if (min === Infinity) return { ids, count: 0 };
  let id = 1;
  let skipped = 0;
  for (let i = 0; i < n; i++) {
    if (ids[i] !== 0) continue;
    ids[i] = id;
    let size = 1;
    let firstFound = i;
    while (firstFound >= 0) {
      let next = -1;
      for (let j = firstFound; j < n; j++) {
        if (ids[j] !== id) continue;
        for (let k = 0; k < n; k++) {
          if (ids[k] === 0 && v(j, k) === min) { ids[k] = id; size++; if (next < 0) next = k; }
        }
      }
      firstFound = next;
    }
    if (size === 1) { ids[i] = 0; skipped++; continue; }
    id++;
  }
  if (id === 2 && skipped === 0) return { ids, count: 0 };
  return { ids, count: id - 1 };
}

/** distances.c hwloc__groups_by_distances(), recursively on the groups' averaged matrix. */
function groupByDistances(root: HwlocObj, objs: readonly HwlocObj[], values: readonly (readonly number[])[], round: { next: number }, check: boolean): void {
  if (objs.length <= 2) return;
  if (check && !groupable(values)) return;
  const { ids, count } = groupsByMinDistance(values);
  if (count === 0) return;
  const groups: (HwlocObj | undefined)[] = [];
  const sizes = new Array<number>(count).fill(0);
  for (let g = 0; g < count; g++) {
    const members = objs.filter((_, j) => ids[j] === g + 1);
    sizes[g] = members.length;
    const group = newObj("Group", sortedUnion(...members.map((m) => m.cpuset)), { kind: GROUP_KIND_DISTANCE, subkind: round.next, nodeset: sortedUnion(...members.map((m) => m.nodeset)) });
    groups.push(insertByCpuset(root, group));
  }
  round.next++;
  const placed = groups.filter((g): g is HwlocObj => g !== undefined);
  if (placed.length !== groups.length) return;
  const sum = Array.from({ length: count }, () => new Array<number>(count).fill(0));
  for (let i = 0; i < objs.length; i++) {
    for (let j = 0; j < objs.length; j++) {
      const gi = (ids[i] ?? 0) - 1;
      const gj = (ids[j] ?? 0) - 1;
      const row = sum[gi];
      if (gi >= 0 && gj >= 0 && row !== undefined) row[gj] = (row[gj] ?? 0) + (values[i]?.[j] ?? 0);
    }
  }
  const averaged = sum.map((row, i) => row.map((x, j) => Math.floor(x / ((sizes[i] ?? 1) * (sizes[j] ?? 1)))));
  groupByDistances(root, placed, averaged, round, false);
}

/** remove_empty(): normal objects with no child, no memory and an empty cpuset go. */
function removeEmpty(o: HwlocObj): boolean {
  o.children = o.children.filter((c) => !removeEmpty(c));
  return o.type !== "Machine" && o.children.length === 0 && o.memory.length === 0 && o.cpuset.length === 0;
}

/** hwloc_connect_levels(): levels of normal objects (same type, and same kind/subkind for Groups). */
function levelsOf(root: HwlocObj): HwlocObj[][] {
  const levels: HwlocObj[][] = [[root]];
  const sameType = (a: HwlocObj, b: HwlocObj): boolean => typeCmp(a, b) === "equal";
  const below = (o: HwlocObj, t: HwlocObj): boolean => o.children.some((c) => sameType(c, t) || below(c, t));
  let objs = [...root.children];
  while (objs.length > 0) {
    let top = objs.find((o) => o.type !== "PU") ?? objs[0];
    if (top === undefined) break;
    for (const o of objs) if (!sameType(top, o) && below(o, top)) top = o;
    const t = top;
    levels.push(objs.filter((o) => sameType(t, o)));
    objs = objs.flatMap((o) => (sameType(t, o) ? o.children : [o]));
  }
  return levels;
}

/** hwloc_filter_levels_keep_structure() with Group the only KEEP_STRUCTURE type here. */
function keepStructure(root: HwlocObj): void {
  const levels = levelsOf(root);
  for (let i = levels.length - 1; i > 0; i--) {
    const up = levels[i - 1] ?? [];
    const down = levels[i] ?? [];
    const t1 = up[0]?.type;
    const t2 = down[0]?.type;
    let replaceParent = t1 === "Group";
    const replaceChild = t2 === "Group";
    if (!replaceParent && !replaceChild) continue;
    // Both Groups: obj_type_priority is the same, so the child goes.
    if (replaceParent && replaceChild) replaceParent = false;
    if (up.length !== down.length) continue;
    // hwloc_compare_levels_structure(): each parent has exactly its child, and no PU level goes when memory hangs above it.
    if (down.some((c, j) => { const p = up[j]; return p === undefined || c.parent !== p || p.children.length !== 1 || (t2 === "PU" && p.memory.length > 0); })) continue;
    down.forEach((child, j) => {
      const parent = up[j];
      if (parent === undefined) return;
      if (replaceChild) {
        parent.children = child.children;
        for (const c of parent.children) c.parent = parent;
        parent.memory.push(...child.memory);
        for (const m of child.memory) m.parent = parent;
      } else {
        const gp = parent.parent;
        if (gp !== undefined) gp.children = gp.children.map((c) => (c === parent ? child : c));
        child.parent = gp;
        child.memory = [...parent.memory, ...child.memory];
        for (const m of child.memory) m.parent = child;
      }
    });
    levels.splice(replaceParent ? i - 1 : i, 1);
  }
}

/** Memory objects take their parent's cpuset; a normal object's nodeset is the memory at it, above it and below it. */
function fixupSets(o: HwlocObj, above: readonly number[]): number[] {
  const here = sortedUnion(above, ...o.memory.map((m) => m.nodeset));
  const fixMemory = (m: HwlocObj, cpuset: number[]): void => { m.cpuset = cpuset; for (const x of m.memory) fixMemory(x, cpuset); };
  for (const m of o.memory) fixMemory(m, o.cpuset);
  const below = o.children.flatMap((c) => fixupSets(c, here));
  o.nodeset = sortedUnion(here, below);
  return sortedUnion(o.memory.flatMap((m) => m.nodeset), below);
}

export interface HwlocTreeInput {
  machineInfos: [string, string][];
  /** Every PU, ascending. */
  pus: number[];
  /** In hwloc's insertion order (CPU nodes, then CPU-less ones). */
  memoryTrees: HwlocMemoryTree[];
  /** Nodes (in os_index order) and the NUMALatency matrix between them, when hwloc reads one. */
  distances?: { nodes: HwlocObj[]; matrix: number[][] };
}

export function hwlocTree(input: HwlocTreeInput): HwlocObj {
  const root = newObj("Machine", [...input.pus], { os: 0, infos: input.machineInfos });
  for (const pu of input.pus) insertByCpuset(root, newObj("PU", [pu], { os: pu }));
  for (const tree of input.memoryTrees) {
    for (const o of [...tree.caches, tree.node]) attachMemory(memoryParent(root, o), o);
  }
  if (input.distances !== undefined) groupByDistances(root, input.distances.nodes, input.distances.matrix, { next: 0 }, true);
  removeEmpty(root);
  keepStructure(root);
  fixupSets(root, []);
  return root;
}
