/**
 * Units every layer of the simulator shares, defined once: x86 4 KiB pages (Xen's PAGE_SHIFT)
 * and the MiB/KiB conversions the toolstack's sizes use.
 */
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 2 ** PAGE_SHIFT;
export const KIB = 1024;
export const MIB = 1024 * KIB;
/** 4 KiB pages per MiB (256). */
export const PAGES_PER_MIB = MIB / PAGE_SIZE;
/** KiB per 4 KiB page (4): libxl's and xenopsd's `*_memkb` fields. */
export const KIB_PER_PAGE = PAGE_SIZE / KIB;
