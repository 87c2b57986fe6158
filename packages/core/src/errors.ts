import { distance } from "fastest-levenshtein";

/**
 * Thrown when an argument has the wrong shape, type or value. The message always names the
 * argument (`pre`, `params.lr`, `config.model.layers[0].rule`) and says what was expected.
 */
export class PlasticityError extends Error {
  override readonly name: string = "PlasticityError";
  constructor(
    message: string,
    /** The argument or field at fault, as a dotted path. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A name that is already registered (rule, plugin, kernel). */
export class DuplicateNameError extends PlasticityError {
  override readonly name = "DuplicateNameError";
}

/** An unknown name; the message suggests the closest known names. */
export class UnknownNameError extends PlasticityError {
  override readonly name = "UnknownNameError";
  constructor(
    kind: string,
    readonly requested: string,
    readonly known: readonly string[],
  ) {
    const close = closestNames(requested, known);
    super(
      `unknown ${kind} "${requested}".` +
        (close.length ? ` Did you mean ${close.map((c) => `"${c}"`).join(" or ")}?` : "") +
        ` Known: ${known.length ? known.join(", ") : "(none)"}.`,
      kind,
    );
  }
}

/** Up to `max` known names within a small edit distance of `name` (or containing it). */
export function closestNames(name: string, known: readonly string[], max = 3): string[] {
  const q = name.toLowerCase();
  return known
    .map((k) => ({
      k,
      d: k.toLowerCase().includes(q) && q.length >= 3 ? 0.5 : distance(q, k.toLowerCase()),
    }))
    .filter(({ k, d }) => d <= Math.max(2, Math.floor(k.length / 3)))
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .slice(0, max)
    .map(({ k }) => k);
}
