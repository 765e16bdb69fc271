/**
 * The one error handler on its own: what reaches a client for each kind of error, and that an
 * unexpected one is logged and answered 500 with a generic message (no internals leak).
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler, errorResponse, notFoundHandler } from '../../src/api/error-handler.js';
import { BadRequestError, ConflictError, ServiceUnavailableError } from '../../src/errors.js';
import { rawRequest } from './harness.js';

const logged: string[] = [];
let server: http.Server;
let url: string;

beforeAll(async () => {
  const app = express();
  app.get('/api/v1/boom', () => {
    throw new Error('secret internals: /var/lib/x');
  });
  app.get('/api/v1/old_boom', async () => {
    throw new TypeError('undefined is not a function');
  });
  app.get('/api/v1/busy', () => {
    throw new ServiceUnavailableError('Redis does not answer');
  });
  app.use(notFoundHandler);
  app.use(errorHandler(new Set(['/api/v1/old_boom']), (line) => logged.push(line)));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('error handler', () => {
  it('answers an unexpected error 500 with a generic message, and logs it', async () => {
    const res = await rawRequest(`${url}/api/v1/boom`, 'GET');
    expect(res.status).toBe(500);
    expect(res.json()).toEqual({ error: true, message: 'Internal error; the service logged it' });
    expect(res.text).not.toContain('secret');
    expect(logged.some((line) => line.includes('secret internals') && line.includes('/api/v1/boom'))).toBe(true);
  });

  it('keeps the old envelope on the old routes', async () => {
    const res = await rawRequest(`${url}/api/v1/old_boom`, 'GET');
    expect(res.json()).toEqual({ error: true, message: 'Internal error; the service logged it', data: null });
  });

  it('passes AppErrors through with their status, without logging them', async () => {
    const before = logged.length;
    const res = await rawRequest(`${url}/api/v1/busy`, 'GET');
    expect(res.status).toBe(503);
    expect(res.json()).toEqual({ error: true, message: 'Redis does not answer' });
    expect(logged.length).toBe(before);
  });

  it('maps each kind of error to its status and the one shape', () => {
    expect(errorResponse(new BadRequestError('bad', [{ field: 'x', message: 'x is bad' }]))).toEqual({
      status: 400,
      body: { error: true, message: 'bad', details: [{ field: 'x', message: 'x is bad' }] },
    });
    expect(errorResponse(new ConflictError('busy', { job: { id: 'col-1' } })).body.details).toEqual({ job: { id: 'col-1' } });
    const validator = Object.assign(new Error('request/body must have required property'), {
      status: 400,
      errors: [{ path: '/body/start_time', message: "must have required property 'start_time'" }],
    });
    expect(errorResponse(validator)).toEqual({
      status: 400,
      body: { error: true, message: 'Invalid request: start_time is required', details: [{ field: 'start_time', message: 'start_time is required' }] },
    });
    const tooLarge = Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large', expose: true });
    expect(errorResponse(tooLarge).status).toBe(413);
    expect(errorResponse('a string thrown').status).toBe(500);
  });
});
