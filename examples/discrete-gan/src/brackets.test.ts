import { describe, expect, it } from 'vitest';
import { PAD, bracketData, dyckWords, fromText, isValid, lengthHistogram, sampleStats, toText, totalVariation, wordLength } from './brackets.js';

/** Brute force: every sequence over the 3 tokens of length T, as token arrays. */
function allSequences(T: number): number[][] {
  const out: number[][] = [];
  for (let code = 0; code < 3 ** T; code++) {
    const s: number[] = [];
    for (let c = code, i = 0; i < T; i++, c = Math.floor(c / 3)) s.push(c % 3);
    out.push(s);
  }
  return out;
}

/** An independent reference checker: regex for the layout, a counter for the balance. */
function reference(s: number[]): boolean {
  const text = toText(s);
  const m = /^([()]+)\.*$/.exec(text);
  if (!m) return false;
  let depth = 0;
  for (const c of m[1]!) {
    depth += c === '(' ? 1 : -1;
    if (depth < 0) return false;
  }
  return depth === 0;
}

describe('isValid', () => {
  it.each([
    ['()..........', true],
    ['(())()......', true],
    ['((()))((()))', true],
    ['()()()()()()', true],
    ['(()(()))....', true],
    ['............', false], // empty word
    ['(...........', false], // unclosed
    [')(..........', false], // a prefix goes negative
    ['())(........', false], // balanced count, negative prefix
    ['()).........', false],
    ['((((((((((((', false],
    ['().(........', false], // a bracket after the end token
    ['()..))......', false],
    ['().........(', false],
    ['(())(()).(..', false],
  ])('%s → %s', (text, valid) => {
    expect(isValid(fromText(text))).toBe(valid);
  });

  it('rejects tokens outside the vocabulary', () => {
    expect(isValid([0, 1, 3, PAD])).toBe(false);
    expect(isValid([0, 1, -1])).toBe(false);
  });

  it('agrees with an independent checker on all 3^8 sequences of length 8, and counts Catalan numbers', () => {
    const seqs = allSequences(8);
    let count = 0;
    for (const s of seqs) {
      expect(isValid(s), toText(s)).toBe(reference(s));
      if (isValid(s)) count++;
    }
    // padded non-empty Dyck words of length ≤ 8: C1 + C2 + C3 + C4 = 1 + 2 + 5 + 14
    expect(count).toBe(22);
  });
});

describe('dyckWords', () => {
  it('enumerates the Catalan numbers of distinct valid words', () => {
    const catalan = [1, 1, 2, 5, 14, 42, 132];
    catalan.forEach((c, n) => {
      const ws = dyckWords(n);
      expect(ws.length).toBe(c);
      expect(new Set(ws.map(toText)).size).toBe(c);
      for (const w of ws) if (n > 0) expect(isValid(w)).toBe(true);
    });
  });
});

describe('bracketData', () => {
  const data = bracketData();

  it('has the stated length law and support', () => {
    expect(data.lengthProbs).toEqual([0, 0, 1 / 20, 0, 2 / 20, 0, 4 / 20, 0, 6 / 20, 0, 4 / 20, 0, 3 / 20]);
    expect(data.support).toBe(1 + 2 + 5 + 14 + 42 + 132);
  });

  it('samples only valid sequences, reproducibly, with the stated length law', () => {
    const a = data.sample(20_000, 5);
    expect(a.every((s) => s.length === 12 && isValid(s))).toBe(true);
    expect(data.sample(20_000, 5)).toEqual(a);
    expect(data.sample(50, 6)).not.toEqual(a.slice(0, 50));
    // TV of an empirical histogram on 6 cells from 20k draws: ≈ 0.006 in expectation
    expect(totalVariation(lengthHistogram(a, 12), data.lengthProbs)).toBeLessThan(0.02);
    expect(sampleStats(a, data).valid).toBe(1);
    // every one of the 14 words of length 8 appears, about equally often
    const eights = a.filter((s) => wordLength(s) === 8).map(toText);
    const counts = new Map<string, number>();
    for (const w of eights) counts.set(w, (counts.get(w) ?? 0) + 1);
    expect(counts.size).toBe(14);
    for (const c of counts.values()) expect(Math.abs(c / eights.length - 1 / 14)).toBeLessThan(0.025);
  });

  it('rejects bad options', () => {
    expect(() => bracketData({ maxLength: 7 })).toThrow(/maxLength must be an even integer/);
    expect(() => bracketData({ maxLength: 6, lengthWeights: [1, 1] })).toThrow(/3 non-negative weights/);
    expect(() => bracketData({ maxLength: 4, lengthWeights: [0, 0] })).toThrow(/positive sum/);
  });

  it('honours zero weights', () => {
    const d = bracketData({ maxLength: 6, lengthWeights: [0, 1, 0] });
    expect(d.sample(500, 1).every((s) => wordLength(s) === 4)).toBe(true);
    expect(d.support).toBe(2);
  });
});

describe('statistics', () => {
  it('word length, histogram and total variation', () => {
    expect(wordLength(fromText('(()..'))).toBe(3);
    expect(wordLength(fromText('(()'))).toBe(3);
    expect(wordLength(fromText('.(('))).toBe(0);
    expect(lengthHistogram([fromText('().'), fromText('...'), fromText('(((')], 3)).toEqual([1 / 3, 0, 1 / 3, 1 / 3]);
    expect(totalVariation([0.5, 0.5, 0], [0, 0.5, 0.5])).toBeCloseTo(0.5, 12);
    expect(() => totalVariation([1], [0.5, 0.5])).toThrow(/same length/);
  });

  it('sampleStats counts valid, distinct valid and the length TV', () => {
    const d = bracketData({ maxLength: 4, lengthWeights: [1, 1] });
    const s = sampleStats([fromText('()..'), fromText('()..'), fromText('(())'), fromText(')(..')], d);
    expect(s.valid).toBe(0.75);
    expect(s.distinctValid).toBe(2);
    expect(s.lengths).toEqual([0, 0, 0.75, 0, 0.25]);
    expect(s.lengthTV).toBeCloseTo(0.25, 12);
  });
});
