/**
 * A hypervisor crash: a `BUG_ON()` in Xen that the simulated state reaches. Xen prints the
 * assertion and panics ("Xen BUG at page_alloc.c", then "Panic on CPU n"): the host is gone, so
 * the simulator stops there instead of carrying on with a state no real host can be in.
 */
export class XenPanic extends Error {
  constructor(
    /** The assertion as written in the source, e.g. `BUG_ON(claims > avail_pages)`. */
    readonly assertion: string,
    /** Function and source it sits in (with the series/commit that has it). */
    readonly where: string,
    /** The values that broke it. */
    readonly detail: string,
  ) {
    super(`Xen ${assertion} failed in ${where} (${detail}): the hypervisor would panic`);
    this.name = "XenPanic";
  }
}
