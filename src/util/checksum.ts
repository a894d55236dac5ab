/**
 * The ACPI checksum (ACPI 6.5 §5.2.6): every byte of a table, checksum byte included, sums to zero
 * modulo 256. One function serves the decoder (is the sum zero?), the encoder and the test
 * builders (which byte makes it zero?).
 */
export function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum = (sum + b) & 0xff;
  return sum;
}
