/**
 * The errno values Xen returns (negated) from hypercalls (xen/include/public/errno.h). Only the ones
 * the simulated hypercalls can produce.
 */
export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const E2BIG = 7;
export const ENOMEM = 12;
export const EBUSY = 16;
export const EEXIST = 17;
export const EINVAL = 22;
export const ERANGE = 34;
export const ENOSYS = 38;
export const EOPNOTSUPP = 95;

const names: Record<number, string> = {
  [EPERM]: "EPERM", [ENOENT]: "ENOENT", [ESRCH]: "ESRCH", [E2BIG]: "E2BIG", [ENOMEM]: "ENOMEM",
  [EBUSY]: "EBUSY", [EEXIST]: "EEXIST", [EINVAL]: "EINVAL", [ERANGE]: "ERANGE", [ENOSYS]: "ENOSYS", [EOPNOTSUPP]: "EOPNOTSUPP",
};

/** "-22 (EINVAL)" for reports; "0" for success. */
export function rcName(rc: number): string {
  if (rc >= 0) return String(rc);
  const n = names[-rc];
  return n === undefined ? String(rc) : `${rc} (${n})`;
}
