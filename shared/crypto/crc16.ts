/**
 * CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection, no final XOR
 * (the "CRC-16/XMODEM" entry of the Williams/Reveng catalogue; check value 0x31c3 for the
 * ASCII string "123456789").
 *
 * Stellar StrKey uses it as the checksum of version byte + payload (SEP-23), and every serial
 * line carries one. Four bits at a time through a 16-entry table: bit by bit it took 27 ms
 * for one 248-byte line on the real Espruino interpreter (issue 9), and a 256-entry table
 * would cost half a kilobyte of a Pico's RAM for the last factor of two.
 */

/** NIBBLE[n] = the CRC register after shifting nibble n (as the top four bits) through. */
const NIBBLE: number[] = [];
for (let n = 0; n < 16; n++) {
  let c = n << 12;
  for (let bit = 0; bit < 4; bit++) c = (c & 0x8000) !== 0 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
  NIBBLE.push(c);
}

/**
 * CRC-16/XMODEM of `data`, as a number 0..0xffff.
 * @throws nothing for any byte input
 */
export function crc16Xmodem(data: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < data.length; i++) {
    const b = data[i];
    // `& 0xffff` after each shift keeps crc a 16-bit value in JavaScript and in Lua alike.
    crc = ((crc << 4) & 0xffff) ^ NIBBLE[((crc >>> 12) ^ (b >>> 4)) & 15];
    crc = ((crc << 4) & 0xffff) ^ NIBBLE[((crc >>> 12) ^ b) & 15];
  }
  return crc;
}
