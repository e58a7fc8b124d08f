import type { paths } from './schema';

type Method = 'get' | 'post' | 'put' | 'delete';
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;

/** The JSON body a route answers with on success (200 or 201), straight from the contract. */
export type ResponseOf<P extends keyof paths, M extends Method> = paths[P][M] extends { responses: infer Rs }
  ? Rs extends { 200: infer R }
    ? JsonOf<R>
    : Rs extends { 201: infer R }
      ? JsonOf<R>
      : never
  : never;

/** The JSON body a route takes. */
export type BodyOf<P extends keyof paths, M extends Method> = paths[P][M] extends { requestBody?: infer B }
  ? JsonOf<NonNullable<B>>
  : never;

export type Me = ResponseOf<'/me', 'get'>;
export type Role = Me['role'];
