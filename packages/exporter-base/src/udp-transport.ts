import * as dgram from 'node:dgram';
import * as net from 'node:net';
import type { EncodedPayload, SendOptions, Transport } from './types';

export interface UdpTransportOptions {
  host: string;
  port: number;
  /** default: udp6 for an IPv6 literal, else udp4 */
  type?: 'udp4' | 'udp6';
  /** larger payloads fail with EMSGSIZE without touching the socket (default 65000, Jaeger agent's limit) */
  maxDatagramBytes?: number;
}

function codeError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * One payload = one datagram. Nothing is "refused" in UDP: socket errors (ICMP unreachable surfacing as
 * ECONNREFUSED on some systems, EMSGSIZE…) reject the send and are counted by the core, never thrown at the app.
 * The socket is unref'd so it never keeps the process alive.
 */
export class UdpTransport implements Transport {
  readonly maxDatagramBytes: number;
  private socket: dgram.Socket | undefined;
  private readonly host: string;
  private readonly port: number;
  private readonly type: 'udp4' | 'udp6';
  private closed = false;

  constructor(options: UdpTransportOptions) {
    this.host = options.host;
    this.port = options.port;
    this.type = options.type ?? (net.isIPv6(options.host) ? 'udp6' : 'udp4');
    this.maxDatagramBytes = options.maxDatagramBytes ?? 65_000;
  }

  private getSocket(): dgram.Socket {
    if (this.socket === undefined) {
      const socket = dgram.createSocket(this.type);
      // an 'error' event without a listener would crash the application; a fresh socket is made on next send
      socket.on('error', () => {
        if (this.socket === socket) this.socket = undefined;
        closeQuietly(socket);
      });
      socket.unref();
      this.socket = socket;
    }
    return this.socket;
  }

  send(payload: EncodedPayload, options: SendOptions): Promise<undefined> {
    if (this.closed) return Promise.reject(codeError('transport is shut down', 'ESHUTDOWN'));
    if (payload.body.byteLength > this.maxDatagramBytes) {
      return Promise.reject(codeError(`datagram of ${payload.body.byteLength} bytes exceeds ${this.maxDatagramBytes}`, 'EMSGSIZE'));
    }
    return new Promise<undefined>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        reject(codeError(`datagram send timed out after ${options.timeoutMillis} ms`, 'ETIMEDOUT'));
      }, options.timeoutMillis);
      try {
        this.getSocket().send(payload.body, this.port, this.host, (error) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (error) reject(error);
          else resolve(undefined);
        });
      } catch (error) {
        settled = true;
        clearTimeout(timer);
        reject(error);
      }
    });
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    const socket = this.socket;
    this.socket = undefined;
    if (socket !== undefined) await new Promise<void>((resolve) => closeQuietly(socket, resolve));
  }
}

function closeQuietly(socket: dgram.Socket, done?: () => void): void {
  try {
    socket.close(done);
  } catch {
    done?.(); // already closed
  }
}
