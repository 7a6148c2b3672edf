// RFC 6238 codes as a phone's authenticator app computes them (Node's own HMAC), for the browser
// tests of two-factor login.
import { createHmac } from 'node:crypto';

export const base32 = (text) => {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0;
  const out = [];
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    value = (value << 5) | abc.indexOf(c);
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 255); bits -= 8; }
  }
  return Buffer.from(out);
};

export const totp = (key, ahead = 0) => {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30) + ahead));
  const mac = createHmac('sha1', key).update(counter).digest();
  const o = mac[19] & 15;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, '0');
};

// Turns two-factor login on in Oma tili of a logged-in console page; the key.
export async function turnOnTotp(page) {
  await page.getByRole('button', { name: /Oma tili|Hallinta/ }).click();
  const tf = page.locator('section.tf');
  await tf.getByRole('button', { name: 'Ota käyttöön' }).click();
  const key = base32(await tf.locator('.tf-key').innerText());
  await tf.getByLabel('Vahvistuskoodi').fill(totp(key));
  await tf.getByRole('button', { name: 'Vahvista' }).click();
  await tf.locator('.tag', { hasText: /^käytössä$/ }).first().waitFor();  // not "ei käytössä", shown before
  return key;
}
