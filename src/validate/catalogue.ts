/**
 * The validation catalogue: every code numakit's topology validator can emit, with its severity,
 * where the rule comes from, and the fwts check it corresponds to (acpi.md §9). Codes are stable.
 * Decode-level codes (RESERVED_NONZERO, TABLE_CHECKSUM, ...) come from the decoding engine and are
 * listed here too so the catalogue is complete for the tables numakit validates.
 */
import type { Severity } from "../diagnostics.js";

export type Origin = "acpi" | "fwts" | "linux" | "xen" | "numakit";

export interface CheckInfo {
  severity: Severity;
  origin: Origin;
  /** fwts check names this code covers. */
  fwts?: readonly string[];
  summary: string;
}

export const CATALOGUE = {
  // Decoding engine (src/acpi), reported for the NUMA tables.
  TABLE_CHECKSUM: { severity: "error", origin: "fwts", fwts: ["ACPITableChecksum"], summary: "table bytes do not sum to zero" },
  TABLE_HEADER_SHORT: { severity: "error", origin: "fwts", fwts: ["ACPITableHdrShort"], summary: "shorter than the 36-byte header" },
  TABLE_TRUNCATED: { severity: "error", origin: "acpi", summary: "declared length exceeds the bytes present" },
  RESERVED_NONZERO: { severity: "warning", origin: "fwts", fwts: ["SRATReservedNonZero", "SRATLocalx2apicReserved1", "HMATReservedNonZero"], summary: "a reserved field is not zero" },
  RESERVED_BITS_SET: { severity: "warning", origin: "fwts", fwts: ["SRATReservedBitsNonZero", "HMATReservedBitsNonZero"], summary: "reserved flag bits are set" },
  SUBTABLE_ZERO_LENGTH: { severity: "error", origin: "linux", fwts: ["HMATStructLengthZero"], summary: "a structure of length 0 stops the walk (Linux: Invalid zero length)" },
  SUBTABLE_SHORT: { severity: "warning", origin: "fwts", fwts: ["SRATLocalApicSapicShort", "SRATMemoryShort", "SRATLocalx2apicShort", "SRATGICCShort"], summary: "a structure is shorter than its type's size" },
  TABLE_DUPLICATE: { severity: "warning", origin: "numakit", summary: "the sources hold a NUMA table or the DSDT twice (several hosts given at once?); the first is used" },
  SUBTABLE_UNKNOWN_TYPE: { severity: "warning", origin: "acpi", summary: "unknown structure type, skipped by its length" },

  // CEDT (CXL 2.0/3.1 §9.18; Linux drivers/cxl/acpi.c cxl_acpi_cfmws_verify, drivers/acpi/numa/srat.c acpi_parse_cfmws)
  CEDT_CFMWS_WAYS: { severity: "error", origin: "linux", summary: "a CFMWS uses a reserved interleave-ways encoding (cxl_acpi does not register it)" },
  CEDT_CFMWS_LENGTH: { severity: "error", origin: "linux", summary: "a CFMWS is shorter than its interleave target list (cxl_acpi does not register it)" },
  CEDT_CFMWS_LENGTH_LONG: { severity: "info", origin: "linux", summary: "a CFMWS is longer than its interleave target list" },
  CEDT_CFMWS_ARITHMETIC: { severity: "error", origin: "linux", summary: "a CFMWS uses a reserved interleave arithmetic" },
  CEDT_CFMWS_XOR_NO_CXIMS: { severity: "warning", origin: "linux", summary: "an XOR-interleaved window has no CXIMS of its granularity" },
  CEDT_CFMWS_ALIGNMENT: { severity: "error", origin: "linux", summary: "a CFMWS base or size is not a multiple of 256 MiB (cxl_acpi does not register it)" },
  CEDT_CFMWS_GRANULARITY: { severity: "error", origin: "acpi", summary: "a CFMWS granularity encoding is reserved" },
  CEDT_TARGET_NO_CHBS: { severity: "error", origin: "acpi", summary: "a CFMWS interleave target names no CHBS host bridge" },
  CEDT_CFMWS_OVERLAP: { severity: "error", origin: "acpi", summary: "two CFMWS windows overlap" },
  CEDT_CFMWS_SRAT_STRADDLE: { severity: "warning", origin: "numakit", summary: "an SRAT memory range crosses a CFMWS window's boundary" },
  CEDT_CFMWS_SRAT_MIXED: { severity: "warning", origin: "linux", summary: "SRAT ranges of several PXMs lie in one CFMWS window" },
  CEDT_CFMWS_SRAT_PARTIAL: { severity: "warning", origin: "linux", summary: "the SRAT covers part of a window but not its start: the node count depends on the kernel (5.17-6.6 vs 6.7+)" },
  CEDT_CFMWS_SRAT_PARTIAL_INFO: { severity: "info", origin: "linux", summary: "the SRAT covers part of a window including its start (6.7+ extends it over the window)" },
  CEDT_CHBS_VERSION: { severity: "warning", origin: "acpi", summary: "a CHBS specification version is reserved" },
  CEDT_CHBS_REGISTER_LENGTH: { severity: "warning", origin: "acpi", summary: "a CHBS register block length does not match its CXL version" },
  CEDT_CHBS_DUPLICATE_UID: { severity: "error", origin: "acpi", summary: "two CHBS structures name the same host bridge UID" },
  CEDT_CHBS_NO_DEVICE: { severity: "warning", origin: "acpi", summary: "a CHBS UID matches no ACPI0016 host bridge in the namespace" },
  CEDT_HOST_BRIDGE_NO_PXM: { severity: "warning", origin: "linux", summary: "a CXL host bridge (ACPI0016) has no _PXM" },
  CEDT_HOST_BRIDGE_PXM_DYNAMIC: { severity: "info", origin: "numakit", summary: "a CXL host bridge computes its _PXM at run time" },
  CEDT_NO_CXL_ROOT: { severity: "warning", origin: "linux", summary: "a CEDT with windows but no ACPI0017 CXL root device (cxl_acpi does not bind)" },
  CEDT_QTG_UNCHECKED: { severity: "info", origin: "numakit", summary: "QTG ids come from the ACPI0017 _DSM, run-time AML numakit does not evaluate" },
  CEDT_FAKE_PXM_ALIAS: { severity: "warning", origin: "linux", summary: "the fake PXM Linux gives a CFMWS window is a PXM another table names" },
  CEDT_CFMWS_NO_NODE: { severity: "warning", origin: "linux", summary: "Linux runs out of node ids for a CFMWS window" },

  // SRAT (fwts srat, ACPI §5.2.16)
  SRAT_TABLE_REVISION_FIELD: { severity: "warning", origin: "fwts", fwts: ["SRATBadFieldValue"], summary: "the SRAT 'Table Revision' field (offset 36) must be 1" },
  SRAT_BAD_STRUCTURE_LENGTH: { severity: "error", origin: "fwts", fwts: ["SRATBadStructureLength"], summary: "a structure's Length is not its type's exact size" },
  SRAT_INVALID_TYPE: { severity: "error", origin: "fwts", fwts: ["SRATInvalidType"], summary: "structure type above 7" },
  SRAT_DEVICE_HANDLE_RESERVED: { severity: "warning", origin: "fwts", fwts: ["SRATReservedNonZero"], summary: "reserved bytes of a device handle are not zero" },
  SRAT_DUPLICATE_CPU: { severity: "error", origin: "numakit", summary: "two enabled SRAT entries name the same CPU" },
  SRAT_MEMORY_WRAPS: { severity: "error", origin: "numakit", summary: "a memory range runs past 2^64" },
  SRAT_MEMORY_ZERO_LENGTH: { severity: "warning", origin: "numakit", summary: "an enabled memory range has length 0" },
  SRAT_DISABLED_ENTRY_DATA: { severity: "info", origin: "numakit", summary: "a disabled memory entry carries a range (ignored)" },
  SRAT_REV1_HIGH_PXM: { severity: "warning", origin: "linux", summary: "revision-1 SRAT with PXM bits the OS ignores" },
  SRAT_PXM_ABOVE_255: { severity: "warning", origin: "linux", summary: "PXM ≥ 256: kernels with MAX_NUMNODES ≤ 256 reject the SRAT" },
  SRAT_NO_MEMORY: { severity: "warning", origin: "numakit", summary: "the SRAT places CPUs but no memory" },
  SRAT_MISSING: { severity: "info", origin: "numakit", summary: "no SRAT: the OS sees one node" },
  MEMORY_OVERLAP: { severity: "error", origin: "linux", summary: "memory ranges of different nodes overlap" },
  MEMORY_OVERLAP_HOTPLUG: { severity: "warning", origin: "numakit", summary: "a hot-plug or non-volatile range overlaps another node's range" },
  MEMORY_OVERLAP_SAME_NODE: { severity: "info", origin: "linux", summary: "ranges of one node overlap" },
  NODE_MEMORYLESS: { severity: "info", origin: "numakit", summary: "a node with CPUs and no memory" },
  NODE_CPULESS: { severity: "info", origin: "numakit", summary: "a node with memory and no CPUs" },
  MADT_CPU_NOT_IN_SRAT: { severity: "warning", origin: "numakit", summary: "a usable MADT CPU has no SRAT entry" },
  SRAT_CPU_NOT_IN_MADT: { severity: "warning", origin: "numakit", summary: "an enabled SRAT CPU is not in the MADT" },
  SRAT_CPU_DISABLED_IN_MADT: { severity: "info", origin: "numakit", summary: "enabled SRAT CPUs whose MADT entry is disabled or online-capable" },
  MADT_DUPLICATE_CPU: { severity: "error", origin: "numakit", summary: "two MADT entries have the same APIC id / UID" },

  // SLIT (fwts slit, Linux slit_valid, ACPI §5.2.17)
  SLIT_TOO_SHORT: { severity: "error", origin: "fwts", fwts: ["SLITTooShort"], summary: "SLIT shorter than 44 bytes" },
  SLIT_TOO_MANY_LOCALITIES: { severity: "error", origin: "fwts", fwts: ["SLITTooManySystemLocalities"], summary: "N > 0xFFFF or the matrix does not fit the table" },
  SLIT_BAD_CORNER_ENTRY: { severity: "error", origin: "fwts", fwts: ["SLITBadCornerEntry"], summary: "entry [0][0] or [N-1][N-1] is not 10" },
  SLIT_DIAGONAL: { severity: "error", origin: "linux", summary: "a diagonal entry is not 10" },
  SLIT_ENTRY_RESERVED: { severity: "error", origin: "fwts", fwts: ["SLITEntryReserved"], summary: "an entry below 10 (reserved values)" },
  SLIT_ENTRY_RESERVED_TOTAL: { severity: "info", origin: "fwts", summary: "how many entries use reserved values" },
  SLIT_NOT_USED: { severity: "warning", origin: "linux", summary: "slit_valid() fails: Linux and Xen use 10/20 instead" },
  SLIT_ASYMMETRIC: { severity: "info", origin: "acpi", summary: "d[i][j] ≠ d[j][i] (allowed by ACPI; edk2 acpiview calls it an error)" },
  SLIT_UNREACHABLE: { severity: "info", origin: "acpi", summary: "entries of 255 (unreachable)" },
  SLIT_LENGTH_EXCESS: { severity: "info", origin: "numakit", summary: "the table is longer than 44 + N²" },
  SLIT_LOCALITY_NO_RESOURCES: { severity: "info", origin: "numakit", summary: "a SLIT locality no SRAT entry uses" },
  SLIT_PXM_NOT_COVERED: { severity: "warning", origin: "numakit", summary: "a node's PXM is beyond the SLIT: Linux applies default distances, Xen reads out of bounds" },

  // HMAT (fwts hmat, Linux hmat.c, ACPI §5.2.28)
  HMAT_INVALID_TYPE: { severity: "error", origin: "fwts", fwts: ["HMATBadSubTableType"], summary: "structure type 3 or above" },
  HMAT_BAD_STRUCTURE_LENGTH: { severity: "error", origin: "fwts", fwts: ["HMATBadStructureLength", "HMATBadNumProximityDomain", "HMATBadNumberOfSMBIOS"], summary: "a structure's Length does not match its contents" },
  HMAT_DATA_TYPE_INVALID: { severity: "error", origin: "fwts", fwts: ["HMATBadFDataType"], summary: "locality data type above 5" },
  HMAT_BASE_UNIT_ZERO: { severity: "error", origin: "fwts", fwts: ["HMATBadBaseUnit"], summary: "Entry Base Unit is 0" },
  HMAT_CACHE_ATTRIBUTES_INVALID: { severity: "error", origin: "fwts", fwts: ["HMATBadCacheAttributeReserved"], summary: "cache levels/associativity/write policy use reserved values" },
  HMAT_MIN_TRANSFER_SIZE: { severity: "info", origin: "fwts", fwts: ["HMATReservedNonZero"], summary: "Minimum Transfer Size set (ACPI 6.4; reserved before, fwts flags it)" },
  HMAT_ADDRESS_MODE: { severity: "info", origin: "fwts", fwts: ["HMATReservedNonZero"], summary: "cache Address Mode set (ACPI 6.5 errata; reserved before, fwts flags it)" },
  HMAT_REVISION: { severity: "warning", origin: "linux", summary: "HMAT revision other than 1 or 2 (Linux ignores it)" },
  HMAT_PXM_NOT_IN_SRAT: { severity: "error", origin: "linux", summary: "a proximity domain HMAT names is not in the SRAT" },
  HMAT_TOO_MANY_PAIRS: { severity: "error", origin: "numakit", summary: "more initiator-target pairs than numakit keeps (2^20): the rest are not in the model" },
  HMAT_NOT_USED: { severity: "warning", origin: "linux", summary: "Linux ignores the whole HMAT" },

  // MSCT (fwts msct, ACPI §5.2.19)
  MSCT_BAD_PROXIMITY_OFFSET: { severity: "error", origin: "fwts", fwts: ["MSCTBadProximityOffset"], summary: "Proximity Offset below 0x38" },
  MSCT_BAD_TABLE_LENGTH: { severity: "warning", origin: "fwts", fwts: ["MSCTBadTableLength"], summary: "the table is longer than MaxPD+1 structures allow" },
  MSCT_TOO_MANY_DOMAINS: { severity: "warning", origin: "fwts", fwts: ["MSCTBadProimityDomains"], summary: "more domain structures than MaxPD+1" },
  MSCT_DOMAIN_RANGE: { severity: "warning", origin: "numakit", summary: "a domain range runs backwards or beyond MaxPD" },
  MSCT_SRAT_PXM_ABOVE_MAX: { severity: "warning", origin: "numakit", summary: "an SRAT PXM is above the MSCT's maximum" },

  // The OS walks (src/topology/srat-walk.ts)
  LINUX_SRAT_BAD_LENGTH: { severity: "error", origin: "linux", summary: "bad_srat(): an entry length Linux refuses" },
  LINUX_TOO_MANY_PXM: { severity: "error", origin: "linux", summary: "bad_srat(): too many proximity domains / PXM too large" },
  LINUX_TOO_MANY_MEMBLKS: { severity: "error", origin: "linux", summary: "bad_srat(): more ranges than NR_NODE_MEMBLKS" },
  LINUX_MEMORY_OVERLAP: { severity: "error", origin: "linux", summary: "numa_cleanup_meminfo(): ranges of different nodes overlap" },
  LINUX_MEMORY_OVERLAP_HOTPLUG: { severity: "warning", origin: "linux", summary: "an overlap Linux tolerates because a hot-plug, non-volatile or specific-purpose range is involved" },
  LINUX_X2APIC_IGNORED: { severity: "info", origin: "linux", summary: "an x2APIC entry with an invalid id is ignored" },
  LINUX_SRAT_CPU_PASS_STOPPED: { severity: "warning", origin: "linux", summary: "a Generic Initiator entry Linux refuses stops it reading the processor and initiator entries after it" },
  XEN_SRAT_BAD_LENGTH: { severity: "error", origin: "xen", summary: "numa_fw_bad(): an entry length Xen refuses" },
  XEN_TOO_MANY_PXM: { severity: "error", origin: "xen", summary: "numa_fw_bad(): more proximity domains than MAX_NUMNODES" },
  XEN_TOO_MANY_MEMBLKS: { severity: "warning", origin: "xen", summary: "more memory entries than NR_NODE_MEMBLKS: Xen ignores the later ones" },
  XEN_X2APIC_IGNORED: { severity: "info", origin: "xen", summary: "an x2APIC entry whose id is not below MAX_LOCAL_APIC is ignored" },
  XEN_SRAT_NO_CPU: { severity: "error", origin: "xen", summary: "no processor entry Xen accepts: acpi_numa stays 0 and Xen runs one node" },
  XEN_RAM_NOT_COVERED: { severity: "error", origin: "xen", summary: "numa_fw_bad(): RAM without a node (nodes_cover_memory)" },
  XEN_MEMORY_OVERLAP: { severity: "error", origin: "xen", summary: "numa_fw_bad(): memory ranges overlap across nodes or hot-plug flags" },
  XEN_MEMORY_INTERLEAVE: { severity: "error", origin: "xen", summary: "numa_fw_bad(): node spans interleave" },
  XEN_MEMORY_OVERLAP_SAME_NODE: { severity: "warning", origin: "xen", summary: "ranges of one node overlap" },
  MEMORY_HOTPLUG_PXM_RUNTIME: { severity: "info", origin: "numakit", summary: "hot-plugged memory takes its device's run-time _PXM, not necessarily the window's node" },
  DEVICE_PXM_DYNAMIC: { severity: "info", origin: "numakit", summary: "devices compute _PXM at run time; they are not placed (one finding for all)" },
  AML_SLI_DIAGONAL: { severity: "warning", origin: "acpi", summary: "_SLI: the locality's own distance is not 10 (reported by the AML reader)" },
  AML_SLI_TOO_SHORT: { severity: "warning", origin: "acpi", summary: "_SLI: the buffer does not reach the device's locality" },
  AML_SLI_LENGTH: { severity: "warning", origin: "acpi", summary: "_SLI: length is not 2·max(N, i+1)" },
  AML_SLI_WITHOUT_PXM: { severity: "warning", origin: "acpi", summary: "_SLI on a device without _PXM" },
  AML_NAMESPACE_FULL: { severity: "error", origin: "numakit", summary: "more AML names than numakit loads (2^18): devices and _PXM past them are not read" },
  DEVICE_PXM_UNKNOWN: { severity: "warning", origin: "linux", summary: "a _PXM names a PXM with no node (NUMA_NO_NODE)" },
} as const satisfies Record<string, CheckInfo>;

export type CheckCode = keyof typeof CATALOGUE;
