/**
 * Lookups made once, so that reading a text costs an array read per character: which characters belong to
 * a class, and which of a list of words may start at a character. Pure.
 */

/**
 * A test of one character against a character class, remembered per UTF-16 unit of the basic plane (one
 * regex run per distinct character, not per occurrence). Characters outside the plane run the regex.
 */
export function charClass(pattern: RegExp): (ch: string) => boolean {
  const known = new Uint8Array(0x10000); // 0 not yet tested, 1 in the class, 2 not
  return (ch) => {
    if (ch.length !== 1) return pattern.test(ch);
    const unit = ch.charCodeAt(0);
    if (known[unit] === 0) known[unit] = pattern.test(ch) ? 1 : 2;
    return known[unit] === 1;
  };
}

/**
 * Words to look for in a text, indexed by their first UTF-16 unit in a table over the whole basic plane,
 * so that one pass over the text finds every occurrence of all of them at the cost of an array read per
 * character. `candidates(unit)` lists the indexes (in `words`) of the words that start with it.
 */
export class FirstUnitIndex {
  private readonly bucketOf = new Uint16Array(0x10000);
  private readonly buckets: number[][] = [[]];

  constructor(readonly words: readonly string[]) {
    words.forEach((text, i) => {
      const unit = text.charCodeAt(0);
      if (Number.isNaN(unit)) return;
      if (this.bucketOf[unit] === 0) {
        this.bucketOf[unit] = this.buckets.length;
        this.buckets.push([]);
      }
      this.buckets[this.bucketOf[unit]!]!.push(i);
    });
  }

  /** Indexes of the words starting with `unit`; empty for most units. */
  candidates(unit: number): readonly number[] {
    return this.buckets[this.bucketOf[unit]!]!;
  }

  /** Whether `text` holds any of the words. */
  foundIn(text: string): boolean {
    for (let at = 0; at < text.length; at++)
      for (const w of this.candidates(text.charCodeAt(at)))
        if (text.startsWith(this.words[w]!, at)) return true;
    return false;
  }
}
