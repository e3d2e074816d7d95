// Nothing may reach the network during the tests: any TCP connection to a host other than this
// machine fails at once, and the test that made it sees the error. Installed for every test file.
import * as net from 'node:net';

const LOCAL = new Set(['127.0.0.1', 'localhost', '::1', '::ffff:127.0.0.1']);
const MARK = Symbol.for('bedrock-supply-chain.no-network');
const proto = net.Socket.prototype as unknown as Record<symbol, boolean> & {
  connect: (...args: unknown[]) => net.Socket;
};

if (!proto[MARK]) {
  proto[MARK] = true;
  const connect = proto.connect;
  proto.connect = function (this: net.Socket, ...args: unknown[]) {
    const first = args[0] as { host?: string; path?: string; port?: number } | number | string | unknown[];
    const options = Array.isArray(first) ? (first[0] as { host?: string; path?: string }) : first;
    const host =
      typeof options === 'object' && options !== null
        ? (options as { host?: string; path?: string }).path
          ? 'localhost'
          : ((options as { host?: string }).host ?? 'localhost')
        : typeof args[1] === 'string'
          ? args[1]
          : 'localhost';
    if (!LOCAL.has(host)) {
      process.nextTick(() => this.destroy(new Error(`network access blocked in tests: ${host}`)));
      return this;
    }
    return connect.apply(this, args);
  };
}
