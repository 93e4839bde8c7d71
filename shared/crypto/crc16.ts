/**
 * CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection, no final XOR
 * (the "CRC-16/XMODEM" entry of the Williams/Reveng catalogue; check value 0x31c3 for the
 * ASCII string "123456789").
 *
 * Stellar StrKey uses it as the checksum of version byte + payload (SEP-23), and the serial
 * line framing may reuse it. Bit by bit rather than with a 512-byte table: StrKey checksums
 * 33 bytes, and on Espruino a table costs more memory than the loop costs time.
 */

/**
 * CRC-16/XMODEM of `data`, as a number 0..0xffff.
 * @throws nothing for any byte input
 */
export function crc16Xmodem(data: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < data.length; i++) {
    crc = crc ^ (data[i] << 8);
    for (let bit = 0; bit < 8; bit++) {
      // `& 0xffff` after the shift keeps crc a 16-bit value in JavaScript and in Lua alike.
      if ((crc & 0x8000) !== 0) crc = ((crc << 1) ^ 0x1021) & 0xffff;
      else crc = (crc << 1) & 0xffff;
    }
  }
  return crc;
}
