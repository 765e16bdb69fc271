/**
 * Errors that carry their HTTP meaning. Services throw them; the API's one error handler turns
 * them into the one error shape `{ error: true, message, details? }` with `status`.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Field-level details, e.g. `[{ field: 'start_time', message: '…' }]`, or anything a client can act on. */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** 400: the request is well-formed but its values do not make sense (start after end, …). */
export class BadRequestError extends AppError {
  constructor(message: string, details?: FieldProblem[]) {
    super(400, message, details);
  }
}

export class NotFoundError extends AppError {
  constructor(message: string) {
    super(404, message);
  }
}

/** 405: the route exists but this deployment refuses it (collection in DOCKER_MODE). */
export class NotAllowedError extends AppError {
  constructor(message: string) {
    super(405, message);
  }
}

/** 409: conflicts with the current state (a collection already runs; an export is not ready). */
export class ConflictError extends AppError {
  constructor(message: string, details?: unknown) {
    super(409, message, details);
  }
}

/** 410: existed once, gone now (an export cleaned up after its time to live). */
export class GoneError extends AppError {
  constructor(message: string) {
    super(410, message);
  }
}

/** 413: the answer would be too large for this route (use an export). */
export class TooLargeError extends AppError {
  constructor(message: string) {
    super(413, message);
  }
}

/** 503: a dependency (Redis) does not answer; retry later. */
export class ServiceUnavailableError extends AppError {
  constructor(message: string) {
    super(503, message);
  }
}
