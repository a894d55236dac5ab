/**
 * A stand-in hypervisor with unlimited memory that records every populate_physmap call: enough to
 * pin meminit_hvm's planning arithmetic (which calls, which orders, which flags) without a heap.
 */
import type { HypervisorPort, NumaInfo, PhysInfo } from "../../src/sim/libxc/hypercalls.js";

export interface PopulateCall {
  domid: number;
  nr: number;
  order: number;
  flags: number;
}

export class RecordingPort implements HypervisorPort {
  readonly populates: PopulateCall[] = [];
  readonly claims: { domid: number; nr_pages: number }[] = [];
  /** The GFN of each populate's first extent, in call order (undefined: none given). */
  readonly gpfns: (number | undefined)[] = [];
  /** Return how many of the extents succeed (default: all). */
  constructor(private readonly grant: (c: PopulateCall) => number = (c) => c.nr) {}

  createdomain(): { rc: number; domid: number } { return { rc: 0, domid: 1 }; }
  max_vcpus(): number { return 0; }
  shadow_allocation(): number { return 0; }
  max_mem(): number { return 0; }
  claim_pages(domid: number, nr_pages: number): number { this.claims.push({ domid, nr_pages }); return 0; }
  claim_memory(): number { return 0; }
  /** Extents the call being made will do in all (its continuations stop there). */
  private callDone = 0;
  populate_physmap(domid: number, nr: number, order: number, flags: number, gpfn?: number, start = 0, max = nr): { rc: number; done: number } {
    // A continuation (start > 0) is the same hypercall: recorded once, as the build made it.
    if (start === 0) {
      const c = { domid, nr, order, flags };
      this.populates.push(c);
      this.gpfns.push(gpfn);
      this.callDone = Math.min(nr, this.grant(c));
    }
    return { rc: 0, done: Math.min(this.callDone, start + max) };
  }
  vcpu_setaffinity(): number { return 0; }
  setnodeaffinity(): number { return 0; }
  destroydomain(): number { return 0; }
  unpausedomain(): number { return 0; }
  physinfo(): PhysInfo { return { totalPages: 0, freePages: 0, outstandingPages: 0, nrCpus: 1, nrNodes: 1 }; }
  numainfo(): NumaInfo { return { nodes: [], distances: [] }; }
  cputopoinfo(): { core: number; socket: number; node: number }[] { return [{ core: 0, socket: 0, node: 0 }]; }
  getdomaininfo(): undefined { return undefined; }
  domids(): number[] { return []; }

}
