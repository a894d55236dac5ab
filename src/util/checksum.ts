/**
 * The ACPI checksum (ACPI 6.5 §5.2.6): every byte of a table, checksum byte included, sums to zero
 * modulo 256. One function serves the decoder (is the sum zero?), the encoder and the test
 * builders (which byte makes it zero?).
 */
export function checksum(bytes: Uint8Array): number {
  let sum = 0;
  // An index loop: for-of over a typed array ran at a seventh of the speed (tables are read whole).
  for (let i = 0; i < bytes.length; i++) sum = (sum + (bytes[i] ?? 0)) & 0xff;
  return sum;
}
