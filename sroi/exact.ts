/**
 * Exact arithmetic for the SROI figures: rational numbers over BigInt.
 *
 * Every input of an SROI model is a decimal (pounds and pence, percentages,
 * index values, a discount rate such as 3.5%), and every step of the
 * calculation is +, −, × or ÷, or a whole power (drop-off, discounting). So
 * every figure is a fraction, and holding it as one means no rounding error
 * accumulates anywhere: a figure is rounded once, when it is shown (to the
 * penny for money), and totals match a careful spreadsheet to the penny.
 *
 * The Monte Carlo run uses the same formulas in binary floating point (see
 * Arithmetic below): it is statistics over sampled inputs, and its error
 * (about 1e-15 of each ratio) is far below what the histogram can show.
 */

export class Exact {
  static readonly ZERO = new Exact(0n, 1n);
  static readonly ONE = new Exact(1n, 1n);

  /** Always in lowest terms with a positive denominator. */
  private constructor(
    readonly numerator: bigint,
    readonly denominator: bigint,
  ) {}

  /**
   * A JavaScript number taken as the decimal it prints as: 0.1 is exactly
   * one tenth (not the binary double nearest to it), as in the model file.
   */
  static of(value: number | bigint | string): Exact {
    if (typeof value === 'bigint') return new Exact(value, 1n);
    if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`${value} is not a finite number`);
    const text = String(value).trim();
    const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text);
    if (!match || (match[2] === '' && (match[3] ?? '') === '')) throw new RangeError(`"${text}" is not a decimal number`);
    const [, sign, whole = '', fraction = '', exponent = '0'] = match;
    const digits = BigInt(`${whole}${fraction}` || '0') * (sign === '-' ? -1n : 1n);
    const scale = Number(exponent) - fraction.length;
    return scale >= 0 ? Exact.fraction(digits * 10n ** BigInt(scale), 1n) : Exact.fraction(digits, 10n ** BigInt(-scale));
  }

  static fraction(numerator: bigint, denominator: bigint): Exact {
    if (denominator === 0n) throw new RangeError('division by zero');
    const sign = denominator < 0n ? -1n : 1n;
    const divisor = gcd(numerator < 0n ? -numerator : numerator, denominator < 0n ? -denominator : denominator);
    return new Exact((sign * numerator) / divisor, (sign * denominator) / divisor);
  }

  plus(other: Exact): Exact {
    return Exact.fraction(this.numerator * other.denominator + other.numerator * this.denominator, this.denominator * other.denominator);
  }

  minus(other: Exact): Exact {
    return this.plus(other.negated());
  }

  times(other: Exact): Exact {
    return Exact.fraction(this.numerator * other.numerator, this.denominator * other.denominator);
  }

  dividedBy(other: Exact): Exact {
    return Exact.fraction(this.numerator * other.denominator, this.denominator * other.numerator);
  }

  negated(): Exact {
    return new Exact(-this.numerator, this.denominator);
  }

  /** A whole power; x^0 = 1 (also for x = 0, as drop-off and discounting need). */
  pow(exponent: number): Exact {
    if (!Number.isInteger(exponent)) throw new RangeError(`only whole powers are exact; got ${exponent}`);
    const e = BigInt(Math.abs(exponent));
    const raised = Exact.fraction(this.numerator ** e, this.denominator ** e);
    return exponent >= 0 ? raised : Exact.ONE.dividedBy(raised);
  }

  compare(other: Exact): -1 | 0 | 1 {
    const difference = this.numerator * other.denominator - other.numerator * this.denominator;
    return difference < 0n ? -1 : difference > 0n ? 1 : 0;
  }

  sign(): -1 | 0 | 1 {
    return this.numerator < 0n ? -1 : this.numerator > 0n ? 1 : 0;
  }

  /**
   * Rounded to `places` decimals, half away from zero (as a spreadsheet's
   * ROUND does): 2.675 → "2.68", −0.125 → "-0.13".
   */
  toFixed(places: number): string {
    const scale = 10n ** BigInt(places);
    const negative = this.numerator < 0n;
    const magnitude = negative ? -this.numerator : this.numerator;
    const scaled = (magnitude * scale * 2n + this.denominator) / (this.denominator * 2n);
    const digits = scaled.toString().padStart(places + 1, '0');
    const text = places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
    return negative && scaled !== 0n ? `-${text}` : text;
  }

  /** The nearest double (for charts, sampling and JSON). */
  toNumber(): number {
    return Number(this.toFixed(20));
  }

  toString(): string {
    return this.denominator === 1n ? this.numerator.toString() : `${this.numerator}/${this.denominator}`;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

/**
 * The operations the SROI formulas need, so one definition of the formulas
 * runs exactly (the reported figures) or in floating point (Monte Carlo).
 */
export type Arithmetic<N> = {
  of(value: number): N;
  add(a: N, b: N): N;
  subtract(a: N, b: N): N;
  multiply(a: N, b: N): N;
  divide(a: N, b: N): N;
  /** A whole power. */
  power(base: N, exponent: number): N;
  compare(a: N, b: N): number;
  toNumber(value: N): number;
};

export const exactArithmetic: Arithmetic<Exact> = {
  of: (value) => Exact.of(value),
  add: (a, b) => a.plus(b),
  subtract: (a, b) => a.minus(b),
  multiply: (a, b) => a.times(b),
  divide: (a, b) => a.dividedBy(b),
  power: (base, exponent) => base.pow(exponent),
  compare: (a, b) => a.compare(b),
  toNumber: (value) => value.toNumber(),
};

export const floatArithmetic: Arithmetic<number> = {
  of: (value) => value,
  add: (a, b) => a + b,
  subtract: (a, b) => a - b,
  multiply: (a, b) => a * b,
  divide: (a, b) => a / b,
  power: (base, exponent) => base ** exponent,
  compare: (a, b) => Math.sign(a - b),
  toNumber: (value) => value,
};
