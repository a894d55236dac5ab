/** Unit tests of the simulator's building blocks: ExtentSet, the invariant checker itself. */
import { expect } from "chai";
import fc from "fast-check";
import { ExtentSet, LOG_MAX } from "../../src/sim/hypervisor/extent-set.js";
import { checkInvariants } from "../../src/sim/hypervisor/index.js";
import { boot, domain } from "./helpers.js";
import { fcRuns } from "../helpers/runs.js";
import { createHost } from "../../src/sim/hypervisor/index.js";
import { FreeList, MAX_ORDER, type Buddy, type Heap } from "../../src/sim/hypervisor/heap.js";
import { nextRun } from "../../src/sim/hypervisor/bulk-heap.js";
import { hostSpecFromCompact } from "../../src/sim/host.js";

/** An ExtentSet and a per-page model of it after the same adds and removes (those that apply). */
function setAndModel(ops: readonly (readonly [boolean, number, number])[], deferred = false): { s: ExtentSet; model: Set<number> } {
  const s = new ExtentSet(deferred);
  const model = new Set<number>();
  for (const [add, at, n] of ops) {
    const pages = Array.from({ length: n }, (_, k) => at + k);
    if (add && pages.every((x) => !model.has(x))) { s.add(at, n); pages.forEach((x) => model.add(x)); }
    if (!add && pages.every((x) => model.has(x))) { s.remove(at, n); pages.forEach((x) => model.delete(x)); }
  }
  return { s, model };
}

describe("sim internals", () => {
  it("ExtentSet coalesces, splits, finds aligned blocks and refuses double ownership", () => {
    const s = new ExtentSet();
    s.add(100, 10);
    s.add(120, 10);
    s.add(110, 10); // joins both neighbours
    expect([...s.runs()]).to.deep.equal([[100, 130]]);
    s.add(90, 10); // joins the previous start
    s.add(130, 2); // joins the end
    s.add(200, 8);
    s.add(50, 4);
    expect(s.intervals).to.equal(3);
    expect(s.total).to.equal(10 + 10 + 10 + 10 + 2 + 8 + 4);
    expect(() => { s.add(95, 1); }).to.throw("added twice");
    expect(() => { s.add(198, 4); }).to.throw("added twice");
    expect(s.has(100, 30)).to.equal(true);
    expect(s.has(125, 10)).to.equal(false);
    s.remove(110, 5); // split
    s.remove(90, 5); // trim the start
    s.remove(130, 2); // trim the end
    s.remove(50, 4); // whole interval
    expect([...s.runs()]).to.deep.equal([[95, 110], [115, 130], [200, 208]]);
    expect(() => { s.remove(108, 5); }).to.throw("not owned");
    expect(() => { s.remove(10, 1); }).to.throw("not owned");
    expect(s.highestAligned(3)).to.equal(200);
    expect(s.highestAligned(4)).to.equal(undefined);
    s.remove(200, 8);
    expect(s.highestAligned(2)).to.equal(124);
    s.add(200, 8);
    expect(s.drain()).to.deep.equal([[95, 110], [115, 130], [200, 208]]);
    expect(s.total).to.equal(0);
  });

  it("ExtentSet matches a per-page model across block splits, immediate or deferred (property)", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat({ max: 3000 }), fc.integer({ min: 1, max: 3 })), { maxLength: 1500, size: "max" }), fc.boolean(), (ops, deferred) => {
      const { s, model } = setAndModel(ops, deferred);
      expect(s.total).to.equal(model.size); // before any read merges a deferred set's log
      const flat: number[] = [];
      let prevEnd = -1;
      for (const [a, b] of s.runs()) {
        expect(a).to.be.greaterThan(prevEnd); // disjoint and never adjacent (coalesced)
        prevEnd = b;
        for (let x = a; x < b; x++) flat.push(x);
      }
      expect(flat).to.deep.equal([...model].sort((x, y) => x - y));
      expect(s.total).to.equal(model.size);
    }), { numRuns: fcRuns(0.3) });
  });

  it("a deferred ExtentSet logs its adds, joins touching ones, and merges them on the next read", () => {
    const s = new ExtentSet(true);
    s.add(100, 10);
    s.add(90, 10); // touches the last logged run from below: joined in the log
    s.add(110, 5); // touches it from above
    expect(s.logged).to.equal(1);
    s.add(50, 4);
    s.add(200, 8); // out of order: merged through the sort
    s.add(10, 2);
    expect(s.logged).to.equal(4);
    expect(s.total).to.equal(10 + 10 + 5 + 4 + 8 + 2);
    expect([...s.runs()]).to.deep.equal([[10, 12], [50, 54], [90, 115], [200, 208]]);
    expect(s.logged).to.equal(0);
    // Top down, as memory is handed out: a descending log, merged backwards.
    for (let k = 0; k < 100; k++) s.add(10_000 - 4 * k, 2);
    expect(s.logged).to.equal(100);
    expect(s.intervals).to.equal(104);
    expect(s.has(10_000 - 4 * 99, 2)).to.equal(true);
    // An overlap is found when the log is merged (the next read), not at the add.
    s.add(91, 1);
    expect(() => s.has(0, 1)).to.throw("added twice");
  });

  it("every read of a deferred ExtentSet sees its logged adds", () => {
    // Each reader on a fresh set whose runs are all still logged, against an immediate set.
    const adds: [number, number][] = [[512, 64], [300, 20], [100, 8], [700, 4], [96, 4]];
    const both = (): [ExtentSet, ExtentSet] => {
      const d = new ExtentSet(true);
      const i = new ExtentSet();
      for (const [a, n] of adds) { d.add(a, n); i.add(a, n); }
      expect(d.logged).to.be.greaterThan(0);
      return [d, i];
    };
    const reads: [string, (s: ExtentSet) => unknown][] = [
      ["has", (s) => [s.has(100, 12), s.has(300, 21)]],
      ["countIn", (s) => s.countIn(90, 600)],
      ["runAt", (s) => { const o: [number, number] = [0, 0]; return [s.runAt(310, o), o]; }],
      ["highestAligned", (s) => [s.highestAligned(6), s.highestAligned(3)]],
      ["fill", (s) => [s.fill(90, 120), [...s.runs()]]],
      ["remove", (s) => { s.remove(520, 8); return [...s.runs()]; }],
      ["forEachRun", (s) => { const out: number[] = []; s.forEachRun((a, b) => out.push(a, b)); return out; }],
      ["runs", (s) => [...s.runs()]],
      ["runsDescending", (s) => [...s.runsDescending()]],
      ["drain", (s) => s.drain()],
      ["intervals", (s) => s.intervals],
    ];
    for (const [name, read] of reads) {
      const [d, i] = both();
      expect(read(d), name).to.deep.equal(read(i));
    }
  });

  it("a deferred ExtentSet's log stays bounded: past LOG_MAX runs it merges", () => {
    const s = new ExtentSet(true);
    for (let k = 0; k < 3 * LOG_MAX; k++) {
      s.add(10 * k, 1);
      expect(s.logged).to.be.at.most(LOG_MAX);
    }
    expect(s.total).to.equal(3 * LOG_MAX);
    expect(s.intervals).to.equal(3 * LOG_MAX);
  });

  it("ExtentSet countIn and fill agree with a per-page model across blocks (property)", () => {
    const op = fc.tuple(fc.boolean(), fc.nat({ max: 3000 }), fc.integer({ min: 1, max: 3 }));
    const query = fc.tuple(fc.nat({ max: 3100 }), fc.nat({ max: 400 }));
    fc.assert(fc.property(fc.array(op, { maxLength: 1500, size: "max" }), fc.array(query, { minLength: 1, maxLength: 20 }), fc.boolean(), (ops, queries, deferred) => {
      const { s, model } = setAndModel(ops, deferred);
      for (const [lo, len] of queries) {
        const inRange = [...model].filter((x) => x >= lo && x < lo + len).length;
        expect(s.countIn(lo, lo + len)).to.equal(inRange);
      }
      const [lo, len] = queries[0] ?? [0, 0];
      expect(s.fill(lo, lo + len)).to.equal(len - [...model].filter((x) => x >= lo && x < lo + len).length);
      for (let x = lo; x < lo + len; x++) model.add(x);
      const flat: number[] = [];
      s.forEachRun((a, b) => { for (let x = a; x < b; x++) flat.push(x); });
      expect(flat).to.deep.equal([...model].sort((x, y) => x - y));
      expect(s.total).to.equal(model.size);
    }), { numRuns: fcRuns(0.3) });
  });

  it("ExtentSet splits into blocks when fragmented to many runs and merges back", () => {
    const s = new ExtentSet();
    s.add(0, 1 << 16);
    for (let i = 0; i < 1 << 16; i += 2) s.remove(i, 1);
    expect(s.intervals).to.equal(1 << 15);
    expect(s.highestAligned(0)).to.equal((1 << 16) - 1);
    for (let i = 0; i < 1 << 16; i += 2) s.add(i, 1);
    expect([...s.runs()]).to.deep.equal([[0, 1 << 16]]);
  });

  it("the invariant checker reports each kind of corruption", () => {
    const hv = boot([[64, 1], [64, 1]], { nodeClaims: "claim-sets" });
    const d = domain(hv, { hap: true, maxPages: 100000 });
    hv.populate_physmap({ domid: d, nr_extents: 4, extent_order: 4 });
    expect(checkInvariants(hv)).to.deep.equal([]);
    const dom = hv.domain(d);
    const heap = hv.alloc.heap;
    const claims = hv.alloc.claims;
    const nh = heap.nodes[0];
    if (dom === undefined || nh === undefined) throw new Error("setup");
    const buddy = [...heap.buddies()].find((b) => b.order > 2 && b.node === 0);
    if (buddy === undefined) throw new Error("setup");
    // Ownership and counters.
    dom.tot_pages += 2;
    dom.pages[0]?.add(buddy.mfn, 1);
    nh.availPages += 3;
    heap.totalAvail += 5;
    claims.outstanding = -1;
    claims.nodeClaimed[1] = 5;
    dom.outstanding_pages = -2;
    dom.claims[0] = -1;
    dom.node_claims = 7;
    dom.node_affinity = [9];
    buddy.zone += 1;
    const bad = checkInvariants(hv, { nodeClaimsBounded: true }).join("\n");
    for (const frag of [
      "held twice", "tot_pages", "Σ avail[zone]", "free buddies hold", "total_avail_pages", "negative claim -2",
      "negative claim -1 on node 0", "node claims 7 > outstanding", "node_affinity ∩ online is empty", "claimed 5 != Σ",
      "outstanding_claims -1 != Σ", "negative outstanding_claims", "in zone", "present",
    ]) expect(bad).to.contain(frag);
    claims.outstanding = 10 ** 9;
    claims.nodeClaimed[1] = 10 ** 9;
    const more = checkInvariants(hv, { nodeClaimsBounded: true }).join("\n");
    expect(more).to.contain("> total_avail_pages");
    expect(more).to.contain("claims 1000000000 > free");
    expect(checkInvariants(hv, { hostClaimsBounded: false }).join("\n")).to.not.contain("> total_avail_pages");
  });

  it("reports misaligned buddies and buddies outside their node", () => {
    const hv = boot([[64, 1], [64, 1]]);
    const b = [...hv.alloc.heap.buddies()].find((x) => x.order > 0 && x.node === 0);
    if (b === undefined) throw new Error("setup");
    b.mfn += 1;
    b.node = 1;
    const bad = checkInvariants(hv).join("\n");
    expect(bad).to.contain("not naturally aligned");
    expect(bad).to.contain("not inside one RAM range of node 1");
  });
});

describe("sim invariants: the free lists' known runs", () => {
  it("keeps FreeList.run a true lower bound through any sequence of list operations (model-based)", () => {
    // 32 buddies of order 9 at MFNs k·512. After each operation the check recomputes the clean,
    // MFN-descending prefix from the records. "grow" adds the buddy directly above the head, as
    // boot does: how runs come about.
    const size = 512;
    const op = fc.oneof(
      fc.record({ kind: fc.constantFrom("head", "tail"), k: fc.nat(31), dirty: fc.boolean(), n: fc.constant(1) }),
      fc.record({ kind: fc.constant("grow"), k: fc.constant(0), dirty: fc.constant(false), n: fc.constant(1) }),
      fc.record({ kind: fc.constant("remove"), k: fc.nat(31), dirty: fc.constant(false), n: fc.integer({ min: 1, max: 6 }) }),
    );
    let longest = 0;
    fc.assert(fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
      const l = new FreeList();
      const rec = Array.from({ length: 32 }, (_, k): Buddy => ({ mfn: k * size, order: 9, node: 0, zone: 1, firstDirty: -1, prev: undefined, next: undefined, list: undefined }));
      for (const o of ops) {
        const b = rec[o.kind === "grow" ? (l.head === undefined ? 0 : l.head.mfn / size + 1) : o.k];
        if (b === undefined) continue;
        if (o.kind === "remove") {
          if (b.list !== l) continue;
          let last = b;
          let n = 1;
          while (n < o.n && last.next !== undefined) { last = last.next; n++; }
          // removeRun leaves its records as they were (no caller keeps them); the model marks them off the list.
          const gone: Buddy[] = [];
          for (let x: Buddy | undefined = b; x !== undefined; x = x === last ? undefined : x.next) gone.push(x);
          if (n === 1 && o.n === 1) l.remove(b); else l.removeRun(b, last, n);
          for (const x of gone) x.list = undefined;
        } else {
          if (b.list === l) continue;
          b.firstDirty = o.dirty ? 0 : -1;
          if (o.kind === "tail") l.addTail(b); else l.addHead(b);
        }
        let prefix = 0;
        for (let x = l.head, prev: Buddy | undefined; x !== undefined && x.firstDirty === -1 && (prev === undefined || x.mfn === prev.mfn - size); prev = x, x = x.next) prefix++;
        expect(l.run).to.be.at.most(prefix);
        if (prefix > 0) expect(l.run).to.be.at.least(1);
        longest = Math.max(longest, l.run);
      }
    }), { numRuns: fcRuns(1) });
    // Not vacuous: some case built a run the bulk path would jump over.
    expect(longest).to.be.at.least(4);
  });

  it("reports a list that claims a longer run than it holds", () => {
    const hv = boot([[64, 1]]);
    const l = hv.alloc.heap.nodes[0]?.lists.find((x) => x !== undefined && x.size > 0);
    if (l === undefined) throw new Error("setup");
    expect(checkInvariants(hv)).to.deep.equal([]);
    l.run = l.size + 1;
    expect(checkInvariants(hv).join("\n")).to.contain(`says a run of ${l.size + 1}, holds ${l.size}`);
  });
});

describe("sim bulk heap: how far the next calls' region reaches (nextRun)", () => {
  // A fresh 4 GiB node: MFNs [2^19, 2^20) are zone 20's two 1 GiB buddies, on
  // their list from the top down ([0xc0000, 0x80000]), below them one buddy per order.
  const zone20 = (): { heap: Heap; list: Buddy[] } => {
    const hv = createHost(hostSpecFromCompact({ nodes: [{ mem_mib: 4096, cpus: 1 }] }), { version: "current" });
    const heap = hv.alloc.heap;
    const l = heap.nodes[0]?.lists[20 * (MAX_ORDER + 1) + MAX_ORDER];
    const list: Buddy[] = [];
    for (let b = l?.head; b !== undefined; b = b.next) list.push(b);
    return { heap, list };
  };

  it("runs on through the next 1 GiB buddy of the same list when it lies directly below", () => {
    const { heap, list } = zone20();
    expect(list.map((b) => b.mfn)).to.deep.equal([0xc0000, 0x80000]);
    const run = nextRun(heap, 0, 20, 20, MAX_ORDER, false);
    expect(run).to.include({ npieces: 2, base: 0x80000, top: 0x100000 });
    // `need` bounds the walk: one buddy answers a caller that can use one.
    expect(nextRun(heap, 0, 20, 20, 9, false, 1 << MAX_ORDER)).to.include({ npieces: 1, base: 0xc0000 });
  });

  it("knows a booted list of 1 GiB buddies as one run, and where a buddy leaving its middle ends it", () => {
    // 16 GiB: zone 22 is MFNs [2^21, 2^22), eight 1 GiB buddies on one list from the top down.
    const hv = createHost(hostSpecFromCompact({ nodes: [{ mem_mib: 16384, cpus: 1 }] }), { version: "current" });
    const heap = hv.alloc.heap;
    const l = heap.nodes[0]?.lists[22 * (MAX_ORDER + 1) + MAX_ORDER];
    expect(l).to.include({ size: 8, run: 8 });
    expect(nextRun(heap, 0, 22, 22, MAX_ORDER, false)).to.include({ nstretches: 1, npieces: 8, base: 0x200000, top: 0x400000 });
    // Offlining a page of the fourth buddy from the top takes that buddy off the list.
    expect(heap.offlinePage(0x300005, 0)).to.equal("offlined");
    expect(l).to.include({ size: 7, run: 3 });
    expect(nextRun(heap, 0, 22, 22, MAX_ORDER, false)).to.include({ npieces: 3, base: 0x340000, top: 0x400000 });
    expect(checkInvariants(hv)).to.deep.equal([]);
  });

  it("stops before a successor that is not as clean: the calls would go elsewhere", () => {
    // get_free_buddy() puts a dirty head back at the tail when it may not take dirt: the clean
    // region cannot run into it.
    // Both 1 GiB buddies taken, the top one freed clean (to the head), the other dirty (to the tail).
    const { heap, list } = zone20();
    for (const b of list) heap.take(b, MAX_ORDER);
    heap.freeHeapPages(0xc0000, MAX_ORDER, 0, false);
    heap.freeHeapPages(0x80000, MAX_ORDER, 0, true);
    expect(nextRun(heap, 0, 20, 20, MAX_ORDER, false)).to.include({ npieces: 1, base: 0xc0000, top: 0x100000 });
  });
});
