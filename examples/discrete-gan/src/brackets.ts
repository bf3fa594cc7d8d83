/**
 * The discrete data: balanced bracket sequences (Dyck words) padded to a fixed length, their exact validity
 * checker, and the length statistics the example reports.
 *
 * A sequence is `maxLength` tokens over the vocabulary { '(' , ')' , '.' } where '.' ends the word and pads
 * the rest. It is VALID when it reads  w · '.'^(maxLength − |w|)  with w a non-empty balanced bracket word:
 * every prefix of w has at least as many '(' as ')', w has as many of each, and nothing but padding follows
 * the first '.'. Checking this needs a counter (the language is context-free, not regular), which is what
 * makes it a fair test of whether a generator learned structure rather than token frequencies.
 *
 * @see Kusner & Hernández-Lobato 2016, "GANS for Sequences of Discrete Elements with the Gumbel-softmax
 *      Distribution", arXiv:1611.04051 (the task family: a GAN emitting tokens from a small grammar).
 */
import { mulberry32 } from '@genmod-internal/core';

/** The vocabulary: index 0 is '(', 1 is ')', 2 is '.' (end of word, then padding). */
export const TOKENS = ['(', ')', '.'] as const;
export const OPEN = 0;
export const CLOSE = 1;
export const PAD = 2;
/** The vocabulary size K. */
export const VOCAB = TOKENS.length;

/**
 * Whether `tokens` is a non-empty balanced bracket word followed only by padding (see the module doc).
 * Any token outside 0..2 makes the sequence invalid.
 */
export function isValid(tokens: ArrayLike<number>): boolean {
  let depth = 0;
  let length = 0;
  let ended = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (ended) {
      if (t !== PAD) return false;
    } else if (t === OPEN) {
      depth++;
      length++;
    } else if (t === CLOSE) {
      if (--depth < 0) return false;
      length++;
    } else if (t === PAD) {
      ended = true;
    } else {
      return false;
    }
  }
  return depth === 0 && length > 0;
}

/** The number of tokens before the first '.' (the whole sequence when there is none). */
export function wordLength(tokens: ArrayLike<number>): number {
  for (let i = 0; i < tokens.length; i++) if (tokens[i] === PAD) return i;
  return tokens.length;
}

/** Tokens as text, e.g. [0, 0, 1, 1, 2, 2] ↦ "(())..". */
export function toText(tokens: ArrayLike<number>): string {
  return Array.from(tokens, (t) => TOKENS[t] ?? '?').join('');
}

/** Text as tokens, "(())" ↦ [0, 0, 1, 1]; throws on other characters. */
export function fromText(text: string): number[] {
  return Array.from(text, (c) => {
    const i = (TOKENS as readonly string[]).indexOf(c);
    if (i < 0) throw new Error(`fromText: text must use only the characters ( ) . , got "${c}" in "${text}"`);
    return i;
  });
}

/** Every balanced bracket word with `pairs` pairs, as token arrays, in lexicographic order ('(' < ')'). */
export function dyckWords(pairs: number): number[][] {
  if (!Number.isInteger(pairs) || pairs < 0) throw new Error(`dyckWords: pairs must be an integer ≥ 0, got ${pairs}`);
  const out: number[][] = [];
  const word: number[] = [];
  const grow = (open: number, close: number) => {
    if (open === pairs && close === pairs) {
      out.push(word.slice());
      return;
    }
    if (open < pairs) {
      word.push(OPEN);
      grow(open + 1, close);
      word.pop();
    }
    if (close < open) {
      word.push(CLOSE);
      grow(open, close + 1);
      word.pop();
    }
  };
  grow(0, 0);
  return out;
}

/** Options of {@link bracketData}. */
export interface BracketDataOptions {
  /** the padded sequence length T (even, ≥ 2); default 12 */
  maxLength?: number;
  /**
   * relative weights of the word lengths 2, 4, …, maxLength (one per length); default a skewed profile
   * [1, 2, 4, 6, 4, 3] for T = 12 (uniform otherwise). Within a length, every balanced word is equally likely.
   */
  lengthWeights?: number[];
}

/** The data law: a length distribution, then a uniformly chosen balanced word of that length. */
export interface BracketData {
  readonly maxLength: number;
  /** P(word length = ℓ) for ℓ = 0..maxLength (zero at odd ℓ and at 0) */
  readonly lengthProbs: number[];
  /** the number of distinct sequences with positive probability */
  readonly support: number;
  /** n padded token sequences, drawn with a seeded host RNG */
  sample(n: number, seed: number): number[][];
}

/** The bracket-sequence data law of this example (see {@link BracketDataOptions}). */
export function bracketData(options: BracketDataOptions = {}): BracketData {
  const maxLength = options.maxLength ?? 12;
  if (!Number.isInteger(maxLength) || maxLength < 2 || maxLength % 2 !== 0) {
    throw new Error(`bracketData: options.maxLength must be an even integer ≥ 2, got ${maxLength}`);
  }
  const pairs = maxLength / 2;
  const weights = options.lengthWeights ?? (maxLength === 12 ? [1, 2, 4, 6, 4, 3] : Array<number>(pairs).fill(1));
  if (weights.length !== pairs || weights.some((w) => !(w >= 0)) || !(weights.reduce((a, b) => a + b, 0) > 0)) {
    throw new Error(`bracketData: options.lengthWeights must be ${pairs} non-negative weights (lengths 2..${maxLength}) with a positive sum, got [${weights.join(', ')}]`);
  }
  const total = weights.reduce((a, b) => a + b, 0);
  const words = weights.map((_, i) => dyckWords(i + 1));
  const lengthProbs = Array<number>(maxLength + 1).fill(0);
  weights.forEach((w, i) => (lengthProbs[2 * (i + 1)] = w / total));
  const support = words.reduce((s, ws, i) => s + (weights[i]! > 0 ? ws.length : 0), 0);
  return {
    maxLength,
    lengthProbs,
    support,
    sample(n: number, seed: number): number[][] {
      const u = mulberry32(seed);
      return Array.from({ length: n }, () => {
        let r = u() * total;
        let i = 0;
        while (i < pairs - 1 && (r -= weights[i]!) >= 0) i++;
        while (weights[i] === 0) i--; // r landed on the boundary of a zero-weight tail
        const pick = words[i]!;
        const w = pick[Math.floor(u() * pick.length)]!;
        return [...w, ...Array<number>(maxLength - w.length).fill(PAD)];
      });
    },
  };
}

/** The empirical distribution of {@link wordLength} over ℓ = 0..maxLength. */
export function lengthHistogram(sequences: ArrayLike<number>[], maxLength: number): number[] {
  const h = Array<number>(maxLength + 1).fill(0);
  for (const s of sequences) h[wordLength(s)]! += 1;
  return h.map((c) => c / Math.max(sequences.length, 1));
}

/** Total variation distance ½·Σ|p − q| between two distributions on the same support. */
export function totalVariation(p: number[], q: number[]): number {
  if (p.length !== q.length) throw new Error(`totalVariation: p and q must have the same length, got ${p.length} and ${q.length}`);
  return 0.5 * p.reduce((s, pi, i) => s + Math.abs(pi - q[i]!), 0);
}

/** What the example reports about a batch of generated sequences. */
export interface SampleStats {
  /** the fraction that are valid (see {@link isValid}) */
  valid: number;
  /** total variation between the word-length distribution of ALL samples and the data's */
  lengthTV: number;
  /** the number of distinct valid sequences among the samples */
  distinctValid: number;
  /** the word-length histogram of the samples */
  lengths: number[];
}

/** Valid fraction, length TV against `data`, and distinct valid words of `sequences`. */
export function sampleStats(sequences: ArrayLike<number>[], data: BracketData): SampleStats {
  const valid = sequences.filter((s) => isValid(s));
  const lengths = lengthHistogram(sequences, data.maxLength);
  return {
    valid: valid.length / Math.max(sequences.length, 1),
    lengthTV: totalVariation(lengths, data.lengthProbs),
    distinctValid: new Set(valid.map((s) => toText(s))).size,
    lengths,
  };
}
