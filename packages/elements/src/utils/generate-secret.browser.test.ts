import { describe, expect, it, vi } from 'vitest';
import { generateSecret, SECRET_ALPHABET } from './generate-secret.ts';

describe('generateSecret', () => {
  it('makes strings of the asked length from [A-Za-z0-9]', () => {
    expect(generateSecret(43)).toMatch(/^[A-Za-z0-9]{43}$/);
    expect(generateSecret(32)).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(generateSecret(0)).toBe('');
  });

  it('gives a different value each time', () => {
    const values = new Set(Array.from({ length: 50 }, () => generateSecret(32)));

    expect(values.size).toBe(50);
  });

  it('drops the bytes that would favour some characters', () => {
    // 248 and above would map onto the first eight characters a second time.
    const bytes = [255, 248, 0, 247, 61, 62];
    const spy = vi.spyOn(crypto, 'getRandomValues').mockImplementation((array) => {
      const view = array as Uint8Array;
      view.fill(0);
      view.set(bytes.slice(0, view.length));
      return array;
    });

    const secret = generateSecret(4);

    spy.mockRestore();
    expect(secret).toBe([0, 247 % 62, 61, 0].map((i) => SECRET_ALPHABET[i]).join(''));
  });

  it('uses every character of the alphabet', () => {
    const seen = new Set(generateSecret(5000));

    expect(seen.size).toBe(SECRET_ALPHABET.length);
  });

  it('refuses a negative or fractional length', () => {
    expect(() => generateSecret(-1)).toThrow(RangeError);
    expect(() => generateSecret(1.5)).toThrow(RangeError);
  });
});
