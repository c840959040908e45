import { type z } from 'zod';
import { AppError } from './errors.js';
import { type Channel, type ParsedRequest, invokeSchemas, isChannel } from './channels.js';

/** Validates a request at a transport boundary: unknown channel or bad payload → coded AppError. */
export function parseRequest<C extends Channel>(channel: C, payload: unknown): ParsedRequest<C>;
export function parseRequest(channel: string, payload: unknown): unknown;
export function parseRequest(channel: string, payload: unknown): unknown {
  if (!isChannel(channel)) {
    throw new AppError('UNKNOWN_CHANNEL', `No such channel "${channel}"`, {
      hint: 'The UI and backend are from different versions; restart the app.',
    });
  }
  const result = invokeSchemas[channel].request.safeParse(payload ?? undefined);
  if (!result.success) {
    throw new AppError('INVALID_REQUEST', `Invalid request for ${channel}: ${describeIssues(result.error)}`, {
      detail: result.error.issues,
    });
  }
  return result.data;
}

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`).join('; ');
}
