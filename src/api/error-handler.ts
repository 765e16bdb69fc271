/**
 * The one place errors leave the API: AppError subclasses (services), the validator's errors
 * and the body parser's errors all become `{ error: true, message, details? }` with their
 * status; the old tool's routes get `data: null` on top so their envelope holds. Anything else
 * is a bug: logged, and answered 500 with a generic message.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, type FieldProblem } from '../errors.js';

export interface ErrorBody {
  error: true;
  message: string;
  details?: unknown;
  data?: null;
}

/** The validator's error type (express-openapi-validator's HttpError), as far as we read it. */
interface ValidatorError {
  status: number;
  message: string;
  errors?: { path?: string; message?: string }[];
}

/**
 * body-parser's errors (http-errors) carry `status`, usually `type`, `code` for a body that does
 * not decompress, and `expose` when the message is safe to show.
 */
interface BodyParserError {
  status: number;
  type?: string;
  code?: string;
  expose?: boolean;
  message: string;
}

const BODY_PARSER_MESSAGES: Record<string, string> = {
  'entity.parse.failed': 'The request body is not valid JSON',
  'entity.too.large': 'The request body is too large',
  'encoding.unsupported': 'The request body has an unsupported content encoding',
  'charset.unsupported': 'The request body has an unsupported charset; send UTF-8',
  'request.aborted': 'The request was aborted before its body arrived',
  'request.size.invalid': 'The request body is shorter or longer than its Content-Length',
};

function isValidatorError(error: unknown): error is ValidatorError {
  return error instanceof Error && typeof (error as Partial<ValidatorError>).status === 'number' && Array.isArray((error as Partial<ValidatorError>).errors);
}

function isClientHttpError(error: unknown): error is BodyParserError {
  const status = (error as Partial<BodyParserError> | null)?.status;
  return error instanceof Error && typeof status === 'number' && status >= 400 && status < 500;
}

function bodyParserMessage(error: BodyParserError): string {
  const known = error.type === undefined ? undefined : BODY_PARSER_MESSAGES[error.type];
  if (known) return known;
  // zlib (Z_…) and brotli (ERR__…) failures on a Content-Encoding body.
  if (typeof error.code === 'string' && /^(Z_|ERR_)/.test(error.code)) return 'The request body could not be decompressed';
  return error.expose ? error.message : 'Bad request';
}

/**
 * `/body/interval_s`, `/query/start_time`, `/params/id`, `.body.foo` → `interval_s`, `start_time`, `id`, `foo`.
 * A missing required property is reported at its parent, so the name is taken from the message.
 */
function fieldOf(path: string | undefined, message: string | undefined): string {
  const required = /required property '([^']+)'/.exec(message ?? '');
  const parts = (path ?? '').split(/[/.]/).filter((part) => part !== '');
  if (['body', 'query', 'params', 'path', 'headers', 'cookies'].includes(parts[0] ?? '')) parts.shift();
  if (required?.[1] && !parts.includes(required[1])) parts.push(required[1]);
  return parts.length > 0 ? parts.join('.') : 'body';
}

/** Turns the validator's item list into field problems that name the field in words a person reads. */
function fieldProblems(error: ValidatorError): FieldProblem[] {
  return (error.errors ?? []).map((item) => {
    const field = fieldOf(item.path, item.message);
    const text = item.message ?? 'is invalid';
    if (/must NOT have additional properties/.test(text)) return { field, message: `unknown field ${field}` };
    if (/must have required property/.test(text)) return { field, message: `${field} is required` };
    if (/^Unknown query parameter/.test(text)) return { field, message: `unknown query parameter ${field}` };
    return { field, message: `${field} ${text}` };
  });
}

function validatorBody(error: ValidatorError): { status: number; body: ErrorBody } {
  const status = error.status;
  if (status === 400) {
    const details = fieldProblems(error);
    return { status, body: { error: true, message: `Invalid request: ${details.map((d) => d.message).join('; ')}`, details } };
  }
  if (status === 404) return { status, body: { error: true, message: 'No such route; see /swagger for the API' } };
  if (status === 405) return { status, body: { error: true, message: 'This route does not take that method; see /swagger for the API' } };
  if (status === 415) return { status, body: { error: true, message: 'Unsupported content type; send application/json' } };
  if (status >= 400 && status < 500) return { status, body: { error: true, message: error.message } };
  // A response that breaks the spec (validated under test): a bug in this service.
  return { status: 500, body: { error: true, message: `Internal error: ${error.message}` } };
}

/** Maps any thrown value to the status and body the client sees. */
export function errorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof AppError) {
    const body: ErrorBody = { error: true, message: error.message };
    if (error.details !== undefined) body.details = error.details;
    return { status: error.status, body };
  }
  if (isValidatorError(error)) return validatorBody(error);
  if (isClientHttpError(error)) {
    const message = bodyParserMessage(error);
    return { status: error.status, body: { error: true, message, details: [{ field: 'body', message }] } };
  }
  return { status: 500, body: { error: true, message: 'Internal error; the service logged it' } };
}

/** The last middleware: every error in the one shape, with `data: null` on the old tool's routes. */
export function errorHandler(legacyPaths: ReadonlySet<string>, log: (line: string) => void = console.error): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) {
      // Too late to answer in any shape: a streamed answer broke off. Cut the connection so the
      // client sees a failure rather than a truncated success.
      log(`API ${req.method} ${req.originalUrl}: failed mid-answer: ${String(error)}`);
      next(error);
      return;
    }
    const { status, body } = errorResponse(error);
    if (status >= 500 && !(error instanceof AppError)) log(`API ${req.method} ${req.originalUrl}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (legacyPaths.has(req.path)) body.data = null;
    res.status(status).json(body);
  };
}

/** Everything no route took: 404 in the one shape. */
export const notFoundHandler: RequestHandler = (req, res) => {
  const body: ErrorBody = { error: true, message: `No such route: ${req.method} ${req.path}; see /swagger for the API` };
  res.status(404).json(body);
};
