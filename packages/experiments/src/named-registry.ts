import { PlasticityError, UnknownNameError } from "@plasticity/core";

/**
 * Values keyed by name, the shared part of the model-kind and preset registries: a name is
 * registered once, names list sorted, an unknown name fails with the closest known ones.
 */
export class NamedRegistry<T> {
  private readonly items = new Map<string, T>();

  /** `what` names the kind of value in errors ("preset"); `field` is the errors' field. */
  constructor(
    private readonly what: string,
    private readonly field: string,
  ) {}

  /** Add `item` under `name`; a name already taken is an error. */
  protected add(name: string, item: T): void {
    if (this.items.has(name)) {
      throw new PlasticityError(`${this.what} "${name}" is already registered`, this.field);
    }
    this.items.set(name, item);
  }

  /** The error for an unknown name (an UnknownNameError with suggestions). */
  protected unknown(name: string): Error {
    return new UnknownNameError(this.what, name, this.names());
  }

  /** The value named `name`; unknown names throw with suggestions. */
  get(name: string): T {
    const item = this.items.get(name);
    if (item === undefined) throw this.unknown(name);
    return item;
  }

  has(name: string): boolean {
    return this.items.has(name);
  }

  names(): string[] {
    return [...this.items.keys()].sort();
  }

  list(): T[] {
    return this.names().map((n) => this.items.get(n)!);
  }
}
