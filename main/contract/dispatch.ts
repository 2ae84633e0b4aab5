/**
 * The engine side of every transport: takes an untrusted (method, input) pair, checks the method
 * name and the input against the contract's schemas, runs the handler and wraps the outcome as a
 * `Reply`. Nothing thrown escapes: errors become `{ ok: false, error: { kind, message } }`.
 */
import type { z } from 'zod';
import { FieldmarkError, describeValue, toErrorData } from '../util/errors.js';
import { REQUEST_METHODS, requestSchemas, type RequestHandlers, type RequestMethod } from './requests.js';
import type { Reply } from './types.js';

export function isRequestMethod(value: unknown): value is RequestMethod {
  return typeof value === 'string' && Object.hasOwn(requestSchemas, value);
}

/** Words zod issues as "<method>: input.<path>: <problem>, received <value>". */
export function describeIssues(method: string, input: unknown, issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.slice(0, 5).map((issue) => {
    const where = ['input', ...issue.path.map(String)].join('.');
    const received =
      issue.code === 'invalid_type' || issue.code === 'unrecognized_keys'
        ? ''
        : `, received ${describeValue(valueAt(input, issue.path))}`;
    return `${where}: ${issue.message}${received}`;
  });
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  return `${method}: ${parts.join('; ')}${more}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * Validates `input` for `method`.
 * @throws FieldmarkError InvalidArgument for an unknown method or an input that fails its schema.
 */
export function validateRequest(method: unknown, input: unknown): { method: RequestMethod; input: unknown } {
  if (!isRequestMethod(method)) {
    throw new FieldmarkError(
      'InvalidArgument',
      `unknown request method: expected one of ${REQUEST_METHODS.join(', ')}, received ${describeValue(method)}`,
    );
  }
  const parsed = requestSchemas[method].safeParse(input ?? {});
  if (!parsed.success) throw new FieldmarkError('InvalidArgument', describeIssues(method, input, parsed.error.issues));
  return { method, input: parsed.data };
}

/** Validates, runs the handler, and returns a Reply; never throws. */
export async function dispatchRequest(
  handlers: RequestHandlers,
  method: unknown,
  input: unknown,
): Promise<Reply<unknown>> {
  try {
    const request = validateRequest(method, input);
    const handler = handlers[request.method] as (value: unknown) => unknown;
    const value = await handler(request.input);
    return { ok: true, value: value === undefined ? null : value };
  } catch (error) {
    return { ok: false, error: toErrorData(error) };
  }
}
