import type { Span } from '@opentelemetry/api';
import { withSpan, type WithSpanOptions } from './with-span';

export interface TracedOptions extends WithSpanOptions {
  /** Span name; defaults to the function's name (`Class.method` for the decorator). */
  name?: string;
}

type AnyFunction = (...args: never[]) => unknown;

/** A TC39 (TypeScript 5 standard) method decorator. */
export type TracedMethodDecorator = <This, Args extends unknown[], R>(
  method: (this: This, ...args: Args) => R,
  context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>,
) => (this: This, ...args: Args) => R;

/**
 * `traced(fn, options?)` wraps `fn` so every call runs in a span named after the function.
 * `@traced(options?)` is the method-decorator form, naming spans `Class.method`.
 */
export function traced<F extends AnyFunction>(fn: F, options?: TracedOptions): F;
export function traced(options?: TracedOptions): TracedMethodDecorator;
export function traced<F extends AnyFunction>(
  fnOrOptions?: F | TracedOptions,
  maybeOptions?: TracedOptions,
): F | TracedMethodDecorator {
  if (typeof fnOrOptions === 'function') return wrapFunction(fnOrOptions, maybeOptions ?? {});
  return methodDecorator(fnOrOptions ?? {});
}

function wrapFunction<F extends AnyFunction>(fn: F, options: TracedOptions): F {
  const { name = fn.name || 'anonymous', ...spanOptions } = options;
  const original = fn as unknown as (this: unknown, ...args: unknown[]) => unknown;
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    return withSpan(name, () => original.apply(this, args), spanOptions);
  };
  // Keep the wrapped function looking like the original to callers that inspect it.
  Object.defineProperty(wrapper, 'name', { value: fn.name });
  Object.defineProperty(wrapper, 'length', { value: fn.length });
  return wrapper as unknown as F;
}

function methodDecorator(options: TracedOptions): TracedMethodDecorator {
  return <This, Args extends unknown[], R>(
    method: (this: This, ...args: Args) => R,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>,
  ): ((this: This, ...args: Args) => R) => {
    const methodName = String(context.name);
    const { name: fixedName, ...spanOptions } = options;
    let spanName = fixedName;
    const wrapper = function (this: This, ...args: Args): R {
      // The decorator is not told its class; resolve it once, on first call, from the object the
      // method was found on, so a subclass calling an inherited method still reports the defining class.
      let name = spanName;
      if (name === undefined) {
        const className = definingClassName(this, methodName, wrapper);
        name = className === undefined ? methodName : `${className}.${methodName}`;
        if (className !== undefined) spanName = name; // a detached call must not fix the name for good
      }
      return withSpan(name, (_span: Span) => method.apply(this, args), spanOptions);
    };
    return wrapper;
  };
}

function definingClassName(self: unknown, methodName: string, wrapper: unknown): string | undefined {
  let holder: unknown = self;
  while (holder !== null && (typeof holder === 'object' || typeof holder === 'function')) {
    const descriptor = Object.getOwnPropertyDescriptor(holder, methodName);
    if (descriptor?.value === wrapper) {
      // Static methods live on the class itself; instance methods on its prototype.
      return typeof holder === 'function'
        ? (holder as { name: string }).name
        : (holder as { constructor?: { name?: string } }).constructor?.name;
    }
    holder = Object.getPrototypeOf(holder);
  }
  return undefined;
}
