/**
 * Concurrent builds and their scheduler, in one place: the yield contract and the schedulers
 * that rely on it.
 *
 * Contract: a build (xenguest's `meminit_hvm`, xenopsd's VM-start phases) is a generator that
 * yields a label before each atomic step of the hypervisor it asks for through libxc, and does
 * nothing else between yields that touches the hypervisor. An atomic step is what Xen does under
 * `heap_lock` in one go: one hypercall, except XENMEM_populate_physmap, whose every extent is a
 * step of its own. Xen's populate_physmap() (xen/common/memory.c at c447b7308b13) loops over the
 * extents and allocates each with alloc_domheap_pages() → alloc_heap_pages()
 * (xen/common/page_alloc.c), which takes `heap_lock` and drops it before returning; so the
 * xenguest processes building other domains, on other pCPUs, take memory between two extents of
 * one call (and a long call may also be preempted there: hypercall_preempt_check() → a
 * continuation from `nr_done`). A build makes such a call in parts (libxc's
 * populate_physmap_steps()): advancing it once performs exactly one extent. It lives at the libxc
 * level, the lowest toolstack layer, so every layer above can write builds and drive them.
 *
 * The seeded scheduler picks which build advances next, so a seed names one interleaving and
 * replays it exactly.
 *
 * A driver may tell the build, in the value it advances it with, that nothing else will run for
 * the build's next g steps (a Grant; undefined is one). A build may then make them at once: a
 * populate_physmap call of up to g extents in one part, and, in place of the next few calls of its
 * loop, one call that has the same effect as all of them, as meminit_hvm merges consecutive
 * populate_physmap passes (Xen's populate_physmap does one extent after another, so one call of n
 * extents is n calls of one when nothing comes between). runToEnd grants everything; interleave
 * and runScheduled grant one: builds that race interleave at every extent, as in Xen.
 */
import { mulberry32 } from "../../util/prng.js";

export { mulberry32 };

/**
 * How many of its next atomic steps (hypercalls; a populate_physmap's extents) a build may make
 * before any other build runs, passed with the advance that makes the first (undefined: one).
 */
export type Grant = number | undefined;

/** A build step: yields a label before each atomic step, returns the step's result. */
export type Build<R> = Generator<string, R, Grant>;

/** The grant of a build that runs alone: all its calls. */
export const ALONE: Grant = Number.POSITIVE_INFINITY;

/**
 * The grant of one whole hypercall, however many extents it has, and no merged passes: the
 * "hypercall" granularity below.
 */
export const WHOLE_CALL: Grant = 0;

/**
 * How finely a driver interleaves racing builds:
 *  - "extent" (default): one atomic step of Xen per advance, a populate_physmap's extents each on
 *    their own, as Xen allocates them (see the contract above).
 *  - "hypercall": one whole hypercall per advance. No Xen holds `heap_lock` across a
 *    populate_physmap call, but a hypercall runs on its pCPU to its end or to a
 *    hypercall_preempt_check() point: this is a dom0 with one vCPU, whose builds' calls take turns
 *    whole, where "extent" is a pCPU for every racing build (the two ends of a real host:
 *    docs/toolstack.md). The simulator's earlier model; it shows how much a result depends on the
 *    granularity (the legacy flow's locality does, the claim flows' do not) and is cheaper.
 */
export type Granularity = "extent" | "hypercall";
export const GRANULARITIES: readonly Granularity[] = ["extent", "hypercall"];

/** The grant a driver of `granularity` advances a racing build with. */
export function grantOf(granularity: Granularity = "extent"): Grant {
  return granularity === "hypercall" ? WHOLE_CALL : undefined;
}

/** Run `fn` (one hypercall) after yielding `label` to the scheduler. */
export function* hypercall<R>(label: string, fn: () => R): Build<R> {
  yield label;
  return fn();
}

/**
 * The build `first()` returns, then the one `then(its result)` returns: the same yields and the
 * same result as `function* () { return yield* then(yield* first()); }`, and like it nothing runs
 * before the first advance. It is not a generator level of its own: each yield of `first` reaches
 * the caller through one plain method call rather than a generator resume (a level costs per
 * step, and a 1000-VM start makes ~1.4 million of them).
 */
export function sequence<A, R>(first: () => Build<A>, then: (a: A) => Build<R>): Build<R> {
  return new Sequence(first, then);
}

class Sequence<A, R> {
  private cur: Build<A> | Build<R> | undefined;
  private second = false;
  constructor(private readonly first: () => Build<A>, private readonly then: (a: A) => Build<R>) {}

  next(grant?: Grant): IteratorResult<string, R> {
    if (this.cur === undefined) this.cur = this.first();
    let r: IteratorResult<string, A | R> = this.cur.next(grant);
    if (r.done === true && !this.second) {
      this.second = true;
      const b = this.then(r.value as A);
      this.cur = b;
      r = b.next();
    }
    return r as IteratorResult<string, R>;
  }

  return(value: R): IteratorResult<string, R> {
    this.cur?.return(value as never);
    this.second = true;
    return { done: true, value };
  }

  throw(e: unknown): IteratorResult<string, R> {
    if (this.cur === undefined) throw e;
    return this.cur.throw(e) as IteratorResult<string, R>;
  }

  [Symbol.iterator](): this { return this; }
}

/**
 * Run every build to completion, one atomic step at a time (or one hypercall: `granularity`), in
 * an order drawn from `seed`.
 */
export function interleave<R>(builds: Build<R>[], seed: number, granularity: Granularity = "extent"): R[] {
  const rand = mulberry32(seed);
  const grant = grantOf(granularity);
  const results: (R | undefined)[] = builds.map(() => undefined);
  const live: number[] = [];
  // Prime every build up to its first hypercall label (nothing executes before the first yield).
  builds.forEach((b, i) => {
    const r = b.next();
    if (r.done) results[i] = r.value; else live.push(i);
  });
  while (live.length > 0) {
    const k = Math.floor(rand() * live.length);
    const i = live[k] ?? 0;
    const r = (builds[i] as Build<R>).next(grant);
    if (r.done) { results[i] = r.value; live.splice(k, 1); }
  }
  return results as R[];
}

/**
 * Run a build to completion without interleaving. `grant`: ALONE lets the build merge calls; 1
 * makes it make every call Xen's code makes, one step per advance (tests that pin the call sequence).
 */
export function runToEnd<R>(build: Build<R>, grant: Grant = ALONE): R {
  for (;;) {
    const r = build.next(grant);
    if (r.done) return r.value;
  }
}

/**
 * The same, under fast-check's `fc.scheduler()`: each step waits for its scheduled release,
 * so fast-check explores (and shrinks) the order of steps across builds.
 */
export interface SchedulerLike {
  schedule<T>(task: Promise<T>, label?: string): Promise<T>;
}
export async function runScheduled<R>(build: Build<R>, s: SchedulerLike, granularity: Granularity = "extent"): Promise<R> {
  const grant = grantOf(granularity);
  let r = build.next();
  while (!r.done) {
    await s.schedule(Promise.resolve(), r.value);
    r = build.next(grant);
  }
  return r.value;
}
