/** QEMU's size suffixes: the largest unit that divides the size exactly (`-m 3G`, `-m 1536M`). */
export function formatSize(bytes: bigint): string {
  for (const [suffix, shift] of [["T", 40n], ["G", 30n], ["M", 20n], ["K", 10n]] as const) {
    const unit = 1n << shift;
    if (bytes % unit === 0n && bytes >= unit) return `${bytes / unit}${suffix}`;
  }
  return bytes.toString();
}
