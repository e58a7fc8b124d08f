import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Gateway } from './gateway';
import type { WebApp } from './web';

/** Lambda's synchronous invocation payload limit; API Gateway itself allows up to 10 MB. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

export interface LocalServer {
  /** e.g. `http://localhost:3000` */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface ServerOptions {
  gateway: Pick<Gateway, 'handle'>;
  /** 0 (or omitted) lets the OS choose. */
  port?: number;
  /** Loopback by default: this is a development server. */
  host?: string;
  maxBodyBytes?: number;
  /** The web app (static files, its config and the local sign-in page); the rest goes to the API. */
  web?: Pick<WebApp, 'handle'>;
  /** One line per request (method, path without query, status, duration). */
  log?: (line: string) => void;
}

class BodyTooLarge extends Error {}

/**
 * Past the limit the rest of an upload is read and thrown away, up to this much in all,
 * so that the client — still sending — reads the 413 instead of a connection reset.
 * Beyond it the connection is dropped (API Gateway itself takes at most 10 MB).
 */
export const MAX_DISCARD_BYTES = 64 * 1024 * 1024;

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number.isFinite(declared) && declared > limit;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (tooLarge || size > limit) {
        tooLarge = true;
        chunks.length = 0;
        if (size > MAX_DISCARD_BYTES) {
          reject(new BodyTooLarge());
          req.destroy();
        }
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => (tooLarge ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('request aborted'));
    });
  });
}

function send(res: ServerResponse, statusCode: number, headers: Record<string, string>, body: string | Buffer, headOnly = false) {
  res.writeHead(statusCode, { 'content-length': Buffer.byteLength(body), ...headers });
  res.end(headOnly ? undefined : body);
}

const jsonHeaders = { 'content-type': 'application/json' };

/**
 * The local HTTP front door: reads the request, hands it to the API Gateway stand-in
 * (which verifies the token and runs the real Lambda handler) and writes the answer.
 */
export async function startServer(options: ServerOptions): Promise<LocalServer> {
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const host = options.host ?? '127.0.0.1';

  const server = createServer(async (req, res) => {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const done = (status: number) =>
      options.log?.(`${method} ${url.split('?')[0]} ${status} ${Math.round(performance.now() - started)} ms`);
    try {
      let body: Buffer;
      try {
        body = await readBody(req, limit);
      } catch (error) {
        if (!(error instanceof BodyTooLarge)) throw error;
        // The whole upload has been read (and discarded): the client can read this answer.
        send(res, 413, { ...jsonHeaders, connection: 'close' }, JSON.stringify({ message: `Request Entity Too Large: at most ${limit} bytes.` }));
        done(413);
        return;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const page = await options.web?.handle({ method, url, headers, body: body.length ? body.toString('utf8') : undefined });
      if (page) {
        send(res, page.statusCode, page.headers, page.body, method === 'HEAD');
        done(page.statusCode);
        return;
      }
      const response = await options.gateway.handle({
        method,
        url,
        headers,
        // Bytes as sent: the gateway stand-in encodes them as API Gateway would.
        body: body.length ? body : undefined,
      });
      send(res, response.statusCode, response.headers, response.binary ?? response.body);
      done(response.statusCode);
    } catch (error) {
      console.error(`${method} ${url.split('?')[0]} failed:`, error);
      if (!res.headersSent) send(res, 500, jsonHeaders, JSON.stringify({ message: 'Internal Server Error' }));
      else res.destroy();
      done(500);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    url: `http://localhost:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections would otherwise hold close() open.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
